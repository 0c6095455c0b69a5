import * as tf from '@tensorflow/tfjs-node';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { EFFICIENTNET_LITE } from '../../../lib/models/bases/efficientnet-lite';
import {
  classifyImages, isEfficientNetLite, loadImagenetClassifier, type ClassScore,
} from '../../../lib/models/imagenet-classifier';
import type { Command } from '../../command';
import { UsageError } from '../../usage-error';

const usage = `graft classify [--base ${EFFICIENTNET_LITE.join('|')}] [--top K] [--json] <image>…`;

/** One line of `--json` output: the classes, or why the file could not be classified. */
type FileResult = { file: string; top: ClassScore[] } | { file: string; error: string };

async function decodeFile(file: string): Promise<tf.Tensor3D> {
  const bytes = await readFile(file);
  try {
    return tf.node.decodeImage(bytes, 0, 'int32', false) as tf.Tensor3D;
  } catch (err) {
    throw new Error(`cannot decode image: ${(err as Error).message.split('\n')[0]}`);
  }
}

/**
 * `graft classify`: ImageNet predictions for photos with a pretrained base
 * and its original 1000-class head. A file that cannot be read is reported
 * with its reason, the others are still classified, and the exit code is 2
 * at the end if any failed.
 */
export const classifyCommand: Command = {
  name: 'classify',
  summary: 'ImageNet predictions for photos with a pretrained base',
  usage,
  async run(argv, io) {
    const { values, positionals: files } = parseArgs({
      args: [...argv],
      options: { base: { type: 'string', default: 'efficientnet-lite0' }, top: { type: 'string', default: '5' }, json: { type: 'boolean', default: false } },
      allowPositionals: true, strict: true,
    });
    if (files.length === 0) throw new UsageError('expected at least one image file', usage);
    if (!isEfficientNetLite(values.base)) throw new UsageError(`--base must be one of ${EFFICIENTNET_LITE.join(', ')}, got '${values.base}'`, usage);
    const top = Number(values.top);
    if (!Number.isInteger(top) || top < 1 || top > 1000) throw new UsageError(`--top must be a whole number from 1 to 1000, got '${values.top}'`, usage);

    const classifier = await loadImagenetClassifier(values.base);
    const results: FileResult[] = [];
    try {
      // One image at a time: photos differ in size, and a batch of large ones would hold them all.
      for (const file of files) {
        let image: tf.Tensor3D | undefined;
        try {
          image = await decodeFile(file);
          results.push({ file, top: classifyImages(classifier, [image], top)[0]! });
        } catch (err) {
          results.push({ file, error: (err as Error).message });
        } finally {
          image?.dispose();
        }
      }
    } finally {
      classifier.model.dispose();
    }
    if (values.json) {
      io.out(JSON.stringify(results, null, 2));
    } else {
      for (const result of results) {
        if ('error' in result) {
          io.err(`${result.file}: ${result.error}`);
          continue;
        }
        io.out(result.file);
        for (const c of result.top) io.out(`  ${(100 * c.probability).toFixed(2).padStart(6)}%  ${String(c.index).padStart(3)}  ${c.label}`);
      }
    }
    const failed = results.filter((r) => 'error' in r).length;
    if (failed > 0) io.err(`${failed} of ${files.length} file(s) could not be classified`);
    return failed > 0 ? 2 : 0;
  },
};
