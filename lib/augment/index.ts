// Public exports of lib/augment: Keras-exact affine warps, random augmentation, CutMix/MixUp, preview.
export type { AffineParams, AugmentConfig, AugmentOptions, AugmentSample, FillMode, MixOptions } from './types';
export { AUGMENT_DEFAULTS, normalizeAugmentOptions, augmentIsIdentity } from './config';
export { kerasAffineMatrix, affineTransformRow } from './affine-matrix';
export type { Matrix3, FlipFlags } from './affine-matrix';
export { projectiveTransform } from './native-transform';
export { applyAffine, applyAffineBatch } from './affine';
export { sampleAugmentParams, AUGMENT_STREAM } from './sample';
export { channelShiftBatch, flipBatch as flipImageBatch, brightnessBatch } from './photometric';
export { sampleNormal, sampleGamma, sampleBeta } from './beta';
export { mixup, cutmix, cutmixBox, clipBox as clipCutmixBox, boxArea as cutmixBoxArea, mixLabels as mixSoftLabels, mixupBatch, cutmixBatch } from './mix';
export type { MixResult, CutMixBox } from './mix';
export { augmentBatch, augmentDataset, augmentTensorBatch } from './augment-batch';
export type { AugmentInput, AugmentRunOptions, AugmentedSamples } from './augment-batch';
export { renderAugmentPreview, writeAugmentPreview } from './preview';
export type { PreviewOptions, PreviewResult } from './preview';
