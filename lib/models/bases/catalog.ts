/**
 * The built-in bases and what each can offer, in one place, without loading
 * TensorFlow (spec validation reads it). Only the EfficientNet-Lite bases
 * come with pretrained (ImageNet) weights; vgg16, mobilenet and small-cnn
 * are from-scratch architectures: `mode: retrain`, or a pretrained copy of
 * them brought by `base.uri`.
 */
export const ARCHITECTURES = [
  'efficientnet-lite0', 'efficientnet-lite1', 'efficientnet-lite2', 'vgg16', 'mobilenet', 'small-cnn',
] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

export type BaseWeights = 'imagenet' | 'random';

interface CatalogEntry {
  /** Side the pretrained weights were trained at; null for a from-scratch architecture. */
  readonly pretrainedSide: number | null;
  /** Smallest image side the network accepts (it downsamples by 32, or resizes in the model). */
  readonly minSide: number;
}

export const CATALOG: Record<Architecture, CatalogEntry> = {
  'efficientnet-lite0': { pretrainedSide: 224, minSide: 1 },
  'efficientnet-lite1': { pretrainedSide: 240, minSide: 1 },
  'efficientnet-lite2': { pretrainedSide: 260, minSide: 1 },
  vgg16: { pretrainedSide: null, minSide: 32 },
  mobilenet: { pretrainedSide: null, minSide: 32 },
  'small-cnn': { pretrainedSide: null, minSide: 8 },
};

/** The architectures that have ImageNet weights. */
export const PRETRAINED_ARCHITECTURES = ARCHITECTURES.filter((a) => CATALOG[a].pretrainedSide !== null);

/** The weights an architecture gets when the spec names none: ImageNet where there are some. */
export function defaultWeights(architecture: Architecture): BaseWeights {
  return CATALOG[architecture].pretrainedSide !== null ? 'imagenet' : 'random';
}

/** Smallest `base.inputSize` (the side an EfficientNet-Lite runs at): five stride-2 stages. */
export const MIN_NETWORK_SIDE = 32;
