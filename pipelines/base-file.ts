/** The checks of a spec that read a file: a Keras base given by a local file. */
import { kerasFileProblem } from '../lib/models/io/keras/check-layers';
import { isKerasFileName } from '../lib/models/io/keras/keras-file';
import { specError } from './problems';
import type { PipelineSpec } from './schema';

/**
 * Throws `SpecError` when `base.uri` is a local Keras file (`file://…/x.keras`
 * or `.h5`) that cannot be imported: missing, unreadable, or with a layer
 * Graft does not import (named with its class). Remote files (s3://, http)
 * are checked when the base stage loads them, before any training.
 */
export async function checkBaseFile(spec: PipelineSpec, source: string): Promise<PipelineSpec> {
  const uri = spec.base.uri;
  if (uri == null || !uri.startsWith('file://') || !isKerasFileName(uri)) return spec;
  const problem = await kerasFileProblem(uri.slice('file://'.length), uri);
  if (problem !== undefined) throw specError(source, [{ path: ['base', 'uri'], message: problem }]);
  return spec;
}
