import * as tf from '@tensorflow/tfjs-node';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DataError } from '../../../lib/errors';
import { disposeModels, loadPublishedModel, predictImages, prepareImages } from '../../../lib/models';
import type { ObjectStore } from '../../../lib/store/object-store';
import type { Command } from '../../command';
import { UsageError } from '../../usage-error';
import { defaultOpenStore, needsStore } from '../summary/model-store';

const usage = 'graft predict <model-uri> <image>… [--json]';

/** Decodes an image file (PNG, JPEG, BMP, GIF) to an HWC tensor; a bad file is a DataError. */
async function decodeFile(path: string): Promise<tf.Tensor3D> {
  const bytes = await readFile(path).catch((err: Error) => { throw new DataError(err.message, path); });
  try {
    return tf.node.decodeImage(bytes, 0, 'int32', false) as tf.Tensor3D;
  } catch (err) {
    throw new DataError(`cannot decode image: ${(err as Error).message}`, path);
  }
}

/**
 * `graft predict`: classifies image files with a published model. Class names
 * come from `labels.json` or `lineage.json` next to `model.json`; pixels are
 * scaled by the lineage's `inputScale` (1/255 without one).
 */
export function createPredictCommand(openStore: () => ObjectStore = defaultOpenStore): Command {
  return {
    name: 'predict',
    summary: 'classify image files with a published model',
    usage,
    async run(argv, io) {
      const { values, positionals } = parseArgs({
        args: [...argv], options: { json: { type: 'boolean', default: false } }, allowPositionals: true, strict: true,
      });
      const [uri, ...files] = positionals;
      if (uri === undefined || files.length === 0) throw new UsageError('expected a model URI and at least one image', usage);
      const pub = await loadPublishedModel(uri, needsStore(uri) ? { store: openStore() } : {});
      const images: tf.Tensor3D[] = [];
      try {
        for (const f of files) images.push(await decodeFile(f));
        const batch = prepareImages(images, pub.model.inputs[0]!.shape, pub.lineage?.inputScale ?? 1 / 255);
        const preds = predictImages(pub.model, batch, pub.classNames);
        batch.dispose();
        preds.forEach((p, i) => {
          if (values.json) {
            io.out(JSON.stringify({ file: files[i], className: p.className, index: p.index, probability: p.probability }));
          } else {
            io.out(`${files[i]}\t${p.className}\t${p.probability.toFixed(4)}`);
          }
        });
        return 0;
      } finally {
        tf.dispose(images);
        disposeModels(pub.model);
      }
    },
  };
}

export const predictCommand = createPredictCommand();
