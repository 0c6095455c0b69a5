import { parseArgs } from 'node:util';
import { EFFICIENTNET_LITE } from '../../../lib/models/bases/efficientnet-lite';
import {
  classifyImages, isEfficientNetLite, loadImagenetClassifier, type ClassScore,
} from '../../../lib/models/imagenet-classifier';
import type { Command, CommandOptions } from '../../command';
import { forEachImageFile, printFileResults, type FileResult } from '../../image-files';
import { UsageError } from '../../usage-error';

const usage = `graft classify [--base ${EFFICIENTNET_LITE.join('|')}] [--top K] [--json] <image>…`;
const options = {
  base: { type: 'string', default: 'efficientnet-lite0', value: 'BASE', help: `the pretrained base: ${EFFICIENTNET_LITE.join(', ')}` },
  top: { type: 'string', default: '5', value: 'K', help: 'how many classes to show per image, 1 to 1000' },
  json: { type: 'boolean', default: false, help: 'print the results as JSON' },
} as const satisfies CommandOptions;

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
  options,
  async run(argv, io) {
    const { values, positionals: files } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    if (files.length === 0) throw new UsageError('expected at least one image file', usage);
    if (!isEfficientNetLite(values.base)) throw new UsageError(`--base must be one of ${EFFICIENTNET_LITE.join(', ')}, got '${values.base}'`, usage);
    const top = Number(values.top);
    if (!Number.isInteger(top) || top < 1 || top > 1000) throw new UsageError(`--top must be a whole number from 1 to 1000, got '${values.top}'`, usage);

    const classifier = await loadImagenetClassifier(values.base);
    let results: FileResult<{ top: ClassScore[] }>[];
    try {
      results = await forEachImageFile(files, (image) => ({ top: classifyImages(classifier, [image], top)[0]! }));
    } finally {
      classifier.model.dispose();
    }
    return printFileResults(results, io, {
      json: values.json, verb: 'classified',
      print: (result) => {
        io.out(result.file);
        for (const c of result.top) io.out(`  ${(100 * c.probability).toFixed(2).padStart(6)}%  ${String(c.index).padStart(3)}  ${c.label}`);
      },
    });
  },
};
