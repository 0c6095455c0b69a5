/** Defaults that depend on another section: image size and channels ↔ the base's input shape, the base's weights. */
import { CATALOG, defaultWeights, type BaseWeights } from '../lib/models/bases/catalog';
import type { PipelineFields } from './sections';

const DEFAULT_SIDE = 28;
const DEFAULT_CHANNELS = 1;

type ImageFields = {
  readonly dataset: Pick<PipelineFields['dataset'], 'imageSize' | 'channels'>;
  readonly base: Pick<PipelineFields['base'], 'inputShape' | 'architecture' | 'inputSize'>;
};

/**
 * The model's input shape: base.inputShape, else dataset.imageSize +
 * channels, else the side a pretrained base runs at in RGB (photos), else 28x28x1.
 */
export function resolvedInputShape(fields: ImageFields): [number, number, 1 | 3] {
  const shape = fields.base.inputShape;
  if (shape) return shape;
  const side = networkSide(fields.base) ?? DEFAULT_SIDE;
  const [h, w] = fields.dataset.imageSize ?? [side, side];
  return [h, w, fields.dataset.channels ?? (networkSide(fields.base) ? 3 : DEFAULT_CHANNELS)];
}

/** The side a pretrained base runs at (base.inputSize, else the side it was trained at); undefined for others. */
export function networkSide(base: Pick<PipelineFields['base'], 'architecture' | 'inputSize'>): number | undefined {
  const trained = base.architecture ? CATALOG[base.architecture].pretrainedSide : null;
  return trained === null ? undefined : (base.inputSize ?? trained);
}

/** imagenet where the architecture has such weights, random otherwise and in mode retrain; null for a base from a uri. */
export function resolvedWeights(fields: Pick<PipelineFields, 'base' | 'mode'>): BaseWeights | null {
  const { architecture, weights } = fields.base;
  if (!architecture) return null;
  return weights ?? (fields.mode === 'retrain' ? 'random' : defaultWeights(architecture));
}

export function normalize(fields: PipelineFields) {
  const inputShape = resolvedInputShape(fields);
  const imageSize: [number, number] = fields.dataset.imageSize ?? [inputShape[0], inputShape[1]];
  const channels: 1 | 3 = fields.dataset.channels ?? inputShape[2];
  return {
    ...fields,
    dataset: { ...fields.dataset, imageSize, channels },
    base: { ...fields.base, inputShape, weights: resolvedWeights(fields), inputSize: networkSide(fields.base) ?? null },
    fineTune: fields.fineTune && { ...fields.fineTune, batchSize: fields.fineTune.batchSize ?? fields.train.batchSize },
  };
}
