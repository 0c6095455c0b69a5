/** A PNG grid showing what an augment config does: each row is an original then K augmented copies. */
import * as tf from '@tensorflow/tfjs-node';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type AugmentInput, augmentTensorBatch } from './augment-batch';
import { normalizeAugmentOptions } from './config';
import { sampleAugmentParams } from './sample';
import type { AugmentOptions } from './types';

export interface PreviewOptions {
  /** Augmented copies per row [8]. */
  readonly count?: number;
  /** Which images make the rows [the first `rows`]. */
  readonly indices?: readonly number[];
  /** Rows when `indices` is absent [4]. */
  readonly rows?: number;
  /** Integer upscaling (nearest) [so a cell is at least 96 px]. */
  readonly scale?: number;
  /** Pixel value that maps to white [255]. */
  readonly maxValue?: number;
}

export interface PreviewResult {
  readonly path: string;
  readonly rows: number;
  readonly columns: number;
  readonly width: number;
  readonly height: number;
}

const GAP = 2;

/** Renders the grid as an H×W×C uint8 tensor (caller disposes). */
export function renderAugmentPreview(input: AugmentInput, options: AugmentOptions, preview: PreviewOptions = {}): tf.Tensor3D {
  const cfg = normalizeAugmentOptions(options);
  const { height: h, width: w, channels: c } = input;
  const count = preview.count ?? 8;
  const n = input.labels.length;
  const indices = preview.indices ?? Array.from({ length: Math.min(preview.rows ?? 4, n) }, (_, i) => i);
  if (indices.length === 0 || indices.some((i) => !(i >= 0 && i < n))) throw new RangeError(`preview: indices must be within 0..${n - 1}`);
  const scale = preview.scale ?? Math.max(1, Math.ceil(96 / Math.max(h, w)));
  const maxValue = preview.maxValue ?? 255;
  const size = h * w * c;
  const cols = count + 1;
  return tf.tidy(() => {
    const buf = new Float32Array(indices.length * size);
    indices.forEach((i, k) => buf.set(input.images.subarray(i * size, (i + 1) * size), k * size));
    const originals = tf.tensor4d(buf, [indices.length, h, w, c]);
    // Row-major cells: image k's original, then its copies 0..count-1.
    const reps = tf.gather(originals, indices.flatMap((_, k) => Array<number>(count).fill(k)));
    const samples = indices.flatMap((i) => Array.from({ length: count }, (_, copy) => sampleAugmentParams(cfg, h, w, i, copy)));
    const augmented = count > 0 ? augmentTensorBatch(reps as tf.Tensor4D, cfg, samples, maxValue) : reps;
    const cells = tf.concat([originals.expandDims(1), augmented.reshape([indices.length, count, h, w, c])], 1);
    let flat = cells.reshape([indices.length * cols, h, w, c]) as tf.Tensor4D;
    if (scale > 1) flat = tf.image.resizeNearestNeighbor(flat, [h * scale, w * scale]);
    const ch = h * scale + GAP;
    const cw = w * scale + GAP;
    const padded = flat.mul(255 / maxValue).pad([[0, 0], [0, GAP], [0, GAP], [0, 0]], 255);
    const grid = padded.reshape([indices.length, cols, ch, cw, c]).transpose([0, 2, 1, 3, 4]).reshape([indices.length * ch, cols * cw, c]);
    return grid.round().clipByValue(0, 255).toInt() as tf.Tensor3D;
  });
}

/** Writes the preview grid to `outPath` as PNG. */
export async function writeAugmentPreview(input: AugmentInput, options: AugmentOptions, outPath: string, preview: PreviewOptions = {}): Promise<PreviewResult> {
  const grid = renderAugmentPreview(input, options, preview);
  try {
    const png = await tf.node.encodePng(grid);
    mkdirSync(dirname(outPath), { recursive: true });
    writeFileSync(outPath, png);
    const [height, width] = grid.shape;
    const rows = preview.indices?.length ?? Math.min(preview.rows ?? 4, input.labels.length);
    return { path: outPath, rows, columns: (preview.count ?? 8) + 1, width, height };
  } finally {
    grid.dispose();
  }
}
