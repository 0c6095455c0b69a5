/** Loading pipeline specs from files: YAML, or JS/TS modules exporting a `definePipeline` result. */
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { SpecError } from '../lib/errors';
import { checkBaseFile } from './base-file';
import type { PipelineSpec } from './schema';
import { validatePipeline } from './validate';
import { MAX_SPEC_BYTES, readYamlSource, tooLargeMessage } from './yaml-source';

/** Parses and validates YAML text; `fileName` names it in error messages. */
export function parsePipelineYaml(text: string, fileName = 'pipeline.yaml'): PipelineSpec {
  const { data, locate } = readYamlSource(text, fileName);
  return validatePipeline(data, fileName, locate);
}

const YAML_EXTENSIONS = ['.yaml', '.yml'];
const MODULE_EXTENSIONS = ['.js', '.cjs', '.ts'];

/**
 * Loads a pipeline file: `.yaml`/`.yml`, or a `.js`/`.ts` module whose default
 * export (or `pipeline` export) is a pipeline. Throws `SpecError` on any
 * problem, a local Keras base that cannot be imported included.
 */
export async function loadPipeline(path: string): Promise<PipelineSpec> {
  const extension = extname(path).toLowerCase();
  if (YAML_EXTENSIONS.includes(extension)) return checkBaseFile(parsePipelineYaml(await readSpecText(path), path), path);
  if (MODULE_EXTENSIONS.includes(extension)) return checkBaseFile(validatePipeline(await importPipeline(path), path), path);
  throw new SpecError(`${path}: unsupported pipeline file type "${extension}"; use ${[...YAML_EXTENSIONS, ...MODULE_EXTENSIONS].join(', ')}`);
}

async function readSpecText(path: string): Promise<string> {
  try {
    // Check the size before reading, so a huge file is never loaded into memory.
    const { size } = await stat(path);
    if (size > MAX_SPEC_BYTES) throw new SpecError(`${path}: ${tooLargeMessage(size)}`);
    return await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof SpecError) throw err;
    throw new SpecError(`${path}: cannot read the pipeline file (${fileErrorText(err)})`);
  }
}

async function importPipeline(path: string): Promise<unknown> {
  let module: { default?: unknown; pipeline?: unknown };
  try {
    module = (await import(resolve(path))) as typeof module;
  } catch (err) {
    throw new SpecError(`${path}: cannot load the pipeline module (${fileErrorText(err)}); for .ts, compile it or run under a TS loader`);
  }
  // A CommonJS module's whole `module.exports` arrives as `default`: only take it if it looks like a pipeline.
  const value = module.pipeline ?? module.default;
  const looksLikePipeline = typeof value === 'object' && value !== null && ('name' in value || 'dataset' in value);
  if (!looksLikePipeline) {
    throw new SpecError(`${path}: the module must default-export a pipeline or export one as \`pipeline\` (made with definePipeline)`);
  }
  return value;
}

function fileErrorText(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  return err instanceof Error ? err.message.split('\n')[0] : String(err);
}
