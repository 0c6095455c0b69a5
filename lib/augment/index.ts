// Public exports of lib/augment: Keras-exact affine warps, random augmentation, CutMix/MixUp, preview.
export type { AffineParams, AugmentConfig, AugmentOptions, AugmentSample, FillMode, MixOptions } from './types';
export { AUGMENT_DEFAULTS, normalizeAugmentOptions, augmentIsIdentity } from './config';
export { kerasAffineMatrix, affineTransformRow } from './affine-matrix';
export type { Matrix3 } from './affine-matrix';
export { projectiveTransform } from './native-transform';
export { applyAffine, applyAffineBatch } from './affine';
