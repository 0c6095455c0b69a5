/** Defaults that depend on another section: image size and channels ↔ the base's input shape. */
import type { PipelineFields } from './schema';

const DEFAULT_SIDE = 28;
const DEFAULT_CHANNELS = 1;

type ImageFields = { readonly dataset: Pick<PipelineFields['dataset'], 'imageSize' | 'channels'>; readonly base: Pick<PipelineFields['base'], 'inputShape'> };

/** The model's input shape: base.inputShape, else dataset.imageSize + channels, else 28x28x1. */
export function resolvedInputShape(fields: ImageFields): [number, number, 1 | 3] {
  const shape = fields.base.inputShape;
  if (shape) return shape;
  const [h, w] = fields.dataset.imageSize ?? [DEFAULT_SIDE, DEFAULT_SIDE];
  return [h, w, fields.dataset.channels ?? DEFAULT_CHANNELS];
}

export function normalize(fields: PipelineFields) {
  const inputShape = resolvedInputShape(fields);
  const imageSize: [number, number] = fields.dataset.imageSize ?? [inputShape[0], inputShape[1]];
  const channels: 1 | 3 = fields.dataset.channels ?? inputShape[2];
  return {
    ...fields,
    dataset: { ...fields.dataset, imageSize, channels },
    base: { ...fields.base, inputShape },
    fineTune: fields.fineTune && { ...fields.fineTune, batchSize: fields.fineTune.batchSize ?? fields.train.batchSize },
  };
}
