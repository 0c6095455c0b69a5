import type * as tf from '@tensorflow/tfjs-node';
import { leafLayers } from './layer-names';

/** Bytes the largest activation of one extraction batch may take. */
const ACTIVATION_BUDGET_BYTES = 128 * 1024 * 1024;
/** The floor: what extraction used before, and enough for a 224 px base. */
const MIN_BATCH = 64;
const MAX_BATCH = 1024;

/**
 * Images per forward pass of a frozen base: as many as keep the largest
 * activation of a batch within 128 MiB, from 64 to 1,024. A small network
 * on small images spends most of a batch on per-op dispatch, not
 * arithmetic, so its batches grow (small-cnn at 28 px: 1,024); a 224 px
 * base stays at 64.
 */
export function extractionBatchSize(base: tf.LayersModel): number {
  let largest = 1;
  for (const layer of leafLayers(base)) {
    const shapes = (Array.isArray(layer.outputShape[0]) ? layer.outputShape : [layer.outputShape]) as (number | null)[][];
    for (const shape of shapes) largest = Math.max(largest, shape.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1));
  }
  return Math.max(MIN_BATCH, Math.min(MAX_BATCH, Math.floor(ACTIVATION_BUDGET_BYTES / (4 * largest))));
}
