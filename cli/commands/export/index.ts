import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ModelError } from '../../../lib/errors';
import { disposeModels, loadPublishedModel, savePublishedModel, type PublishedModel } from '../../../lib/models';
import { withRawImageInput } from '../../../lib/models/io/keras/raw-image-input';
import { kerasArchive } from '../../../lib/models/io/keras/save-keras';
import type { ObjectStore } from '../../../lib/store/object-store';
import type { Command, CommandOptions } from '../../command';
import { UsageError } from '../../usage-error';
import { defaultOpenStore, needsStore } from '../summary/model-store';
import { isModelUri, publishedModelOfRun } from './locate';

const FORMATS = ['keras', 'tfjs', 'savedmodel'] as const;
type Format = (typeof FORMATS)[number];

const usage = 'graft export <model-uri | model path | run-id> [--format keras|tfjs|savedmodel] [--out PATH]';
const options = {
  format: { type: 'string', value: 'FORMAT', default: 'keras', help: 'keras (a .keras file for keras.models.load_model), tfjs (model.json + weights), savedmodel (not available from tfjs-node; says why)' },
  out: { type: 'string', value: 'PATH', help: 'where to write it (default: <pipeline>-<version>.keras, or <pipeline>-<version>-tfjs/)' },
} as const satisfies CommandOptions;

const SAVEDMODEL_UNAVAILABLE = 'SavedModel export is not available: tfjs-node runs SavedModels (tf.node.loadSavedModel) but cannot write one '
  + '(its native binding exposes no graph construction or saving). Export --format keras and, in Python, '
  + "keras.models.load_model('m.keras').export('saved_model_dir') writes a SavedModel for serving.";

/**
 * `graft export`: writes a published model (a model URI or local path, or
 * the model a run published) for use outside Graft. `keras` writes one `.keras` file taking
 * raw 8-bit images of any size: two layers in front of the published model
 * resize them and scale them by the lineage's `inputScale`, then the model's
 * own input contract (resize, gray → RGB, normalize) follows as layers.
 * `tfjs` writes the published folder as it is (model.json, weights.bin,
 * labels.json, lineage.json), for `graft predict` or TensorFlow.js.
 */
export function createExportCommand(openStore: () => ObjectStore = defaultOpenStore): Command {
  return {
    name: 'export',
    summary: 'write a published model as a Keras .keras file (raw images in) or a tfjs folder',
    usage,
    options,
    async run(argv, io) {
      const { values, positionals } = parseArgs({
        args: [...argv], options: { format: { type: 'string', default: 'keras' }, out: { type: 'string' } }, allowPositionals: true, strict: true,
      });
      if (positionals.length !== 1) throw new UsageError('expected one model URI or run id', usage);
      const format = values.format as Format;
      if (!FORMATS.includes(format)) throw new UsageError(`unknown format '${values.format}'; use ${FORMATS.join(', ')}`, usage);
      if (format === 'savedmodel') throw new ModelError(SAVEDMODEL_UNAVAILABLE);
      const arg = positionals[0]!;
      let store: ObjectStore | undefined;
      const uri = isModelUri(arg) ? arg
        : fs.existsSync(arg) ? `file://${path.resolve(arg)}`
        : await publishedModelOfRun((store = openStore()), arg);
      if (needsStore(uri)) store ??= openStore();
      const pub = await loadPublishedModel(uri, store ? { store } : {});
      try {
        const out = path.resolve(values.out ?? defaultOut(pub, format));
        if (format === 'keras') await writeKeras(pub, out, uri);
        else await savePublishedModel(pub.model, `file://${out}/model.json`, { classNames: pub.classNames, lineage: pub.lineage });
        io.out(out);
      } finally {
        disposeModels(pub.model);
      }
      return 0;
    },
  };
}

async function writeKeras(pub: PublishedModel, out: string, uri: string): Promise<void> {
  const raw = await withRawImageInput(pub.model, pub.lineage?.inputScale ?? 1 / 255);
  try {
    const archive = await kerasArchive(raw, uri);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, archive);
  } finally {
    raw.dispose();
  }
}

function defaultOut(pub: PublishedModel, format: Format): string {
  // publish adds the pipeline and version to the lineage it writes.
  const published = pub.lineage as { pipeline?: unknown; version?: unknown } | null;
  const stem = [published?.pipeline, published?.version].filter((s): s is string => typeof s === 'string' && s !== '').join('-') || 'model';
  return format === 'keras' ? `${stem}.keras` : `${stem}-tfjs`;
}

export const exportCommand = createExportCommand();
