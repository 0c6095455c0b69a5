import { readFile } from 'node:fs/promises';
import { ModelError } from '../../../errors';
import type { KerasGraph } from './keras-graph';
import { readKerasFile } from './keras-file';
import { SUPPORTED_CLASSES, translateLayer } from './layer-table';

/**
 * Whether a Keras model can be imported, from its config alone: no
 * TensorFlow and no weights are loaded, so `graft validate` can say it
 * before any run starts.
 */
export interface UnsupportedLayer {
  readonly name: string;
  readonly className: string;
  readonly reason: string;
}

/** Every layer of the graph Graft cannot import, with why; empty when all can be. */
export function unsupportedLayers(graph: KerasGraph): UnsupportedLayer[] {
  return graph.layers.flatMap((layer) => {
    const t = translateLayer(layer);
    return t.ok ? [] : [{ name: layer.name, className: layer.className, reason: t.reason }];
  });
}

/** The message for unsupported layers: each named with its class, and the file. */
export function unsupportedMessage(description: string, layers: readonly UnsupportedLayer[]): string {
  const list = layers.map((l) => `layer '${l.name}' (${l.className}): ${l.reason}`).join('; ');
  return `${description}: cannot import ${list}. Graft imports ${SUPPORTED_CLASSES.join(', ')}`;
}

/** Why the Keras model file at `path` cannot be imported, or undefined when it can. */
export async function kerasFileProblem(path: string, description = path): Promise<string | undefined> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return `${description}: cannot read it (${code === 'ENOENT' ? 'no such file' : (err as Error).message})`;
  }
  try {
    const { graph } = await readKerasFile(data, description);
    const unsupported = unsupportedLayers(graph);
    return unsupported.length > 0 ? unsupportedMessage(description, unsupported) : undefined;
  } catch (err) {
    if (err instanceof ModelError) return err.message;
    throw err;
  }
}
