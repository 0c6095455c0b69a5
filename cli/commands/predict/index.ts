import { parseArgs } from 'node:util';
import { disposeModels, loadPublishedModel, predictImage, type Prediction } from '../../../lib/models';
import type { ObjectStore } from '../../../lib/store/object-store';
import type { Command, CommandOptions } from '../../command';
import { forEachImageFile, printFileResults, type FileResult } from '../../image-files';
import { UsageError } from '../../usage-error';
import { defaultOpenStore, needsStore } from '../summary/model-store';

const usage = 'graft predict <model-uri> <image>… [--json]';
const options = {
  json: { type: 'boolean', help: 'print one JSON object per image' },
} as const satisfies CommandOptions;

/**
 * `graft predict`: classifies image files with a published model. Class names
 * come from `labels.json` or `lineage.json` next to `model.json`; pixels are
 * scaled by the lineage's `inputScale` (1/255 without one). A file that
 * cannot be read is reported with its reason, the others are still
 * classified, and the exit code is 2 at the end if any failed.
 */
export function createPredictCommand(openStore: () => ObjectStore = defaultOpenStore): Command {
  return {
    name: 'predict',
    summary: 'classify image files with a published model',
    usage,
    options,
    async run(argv, io) {
      const { values, positionals } = parseArgs({
        args: [...argv], options: { json: { type: 'boolean', default: false } }, allowPositionals: true, strict: true,
      });
      const [uri, ...files] = positionals;
      if (uri === undefined || files.length === 0) throw new UsageError('expected a model URI and at least one image', usage);
      const pub = await loadPublishedModel(uri, needsStore(uri) ? { store: openStore() } : {});
      let results: FileResult<Pick<Prediction, 'className' | 'index' | 'probability'>>[];
      try {
        results = await forEachImageFile(files, (image) => {
          const { className, index, probability } = predictImage(pub, image);
          return { className, index, probability };
        });
      } finally {
        disposeModels(pub.model);
      }
      return printFileResults(results, io, {
        json: values.json, verb: 'classified',
        print: (r) => io.out(`${r.file}\t${r.className}\t${r.probability.toFixed(4)}`),
      });
    },
  };
}

export const predictCommand = createPredictCommand();
