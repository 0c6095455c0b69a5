import * as tf from '@tensorflow/tfjs-node';
import { augmentBatch, augmentDataset, normalizeAugmentOptions, sampleAugmentParams, type AugmentInput } from '../../../lib/augment';
import { argmax2d } from './helpers';

/** n 9×9 gray images, 0 except a 255 dot at (4, 4). */
function dots(n: number, classes = 3): AugmentInput {
  const images = new Uint8Array(n * 81);
  for (let i = 0; i < n; i++) images[i * 81 + 40] = 255;
  return { images, labels: Int32Array.from({ length: n }, (_, i) => i % classes), height: 9, width: 9, channels: 1 };
}

function noisy(n: number, h = 8, w = 8, c = 3): AugmentInput {
  const images = Uint8Array.from({ length: n * h * w * c }, (_, i) => (i * 37 + 11) % 256);
  return { images, labels: Int32Array.from({ length: n }, (_, i) => i % 4), height: h, width: w, channels: c };
}

const dotPositions = (out: { images: Float32Array; count: number }): [number, number][] =>
  Array.from({ length: out.count }, (_, i) => argmax2d(out.images.subarray(i * 81, (i + 1) * 81), 9));

describe('Graft directions (not Keras quirks)', () => {
  const base = { fillMode: 'constant' as const, seed: 3, copies: 1 };

  it('widthShiftRange alone moves the content along columns only', () => {
    const out = augmentBatch(dots(12), { ...base, widthShiftRange: 0.3 }, { numClasses: 3 });
    const pos = dotPositions(out);
    expect(pos.every(([r]) => r === 4)).toBe(true);
    expect(new Set(pos.map(([, c]) => c)).size).toBeGreaterThan(2);
  });

  it('heightShiftRange alone moves the content along rows only', () => {
    const pos = dotPositions(augmentBatch(dots(12), { ...base, heightShiftRange: 0.3 }, { numClasses: 3 }));
    expect(pos.every(([, c]) => c === 4)).toBe(true);
    expect(new Set(pos.map(([r]) => r)).size).toBeGreaterThan(2);
  });

  it('a positive widthShift draw moves content right by u·W pixels', () => {
    const cfg = normalizeAugmentOptions({ ...base, widthShiftRange: 0.3 });
    const input = dots(12);
    const pos = dotPositions(augmentBatch(input, cfg, { numClasses: 3 }));
    pos.forEach(([, c], i) => {
      const s = sampleAugmentParams(cfg, 9, 9, i, 0);
      expect(c).toBe(Math.round(4 - s.affine.tx)); // content moves by −tx = +u·W
    });
  });

  it('zoomRange > 1 enlarges the content (zoom in), < 1 shrinks it', () => {
    const square = new Uint8Array(81);
    for (let r = 3; r <= 5; r++) for (let c = 3; c <= 5; c++) square[r * 9 + c] = 255;
    const input = { images: square, labels: Int32Array.from([0]), height: 9, width: 9, channels: 1 };
    const lit = (zoom: [number, number]): number =>
      augmentBatch(input, { ...base, zoomRange: zoom }, { numClasses: 1 }).images.filter((v) => v > 127).length;
    expect(lit([2, 2])).toBeGreaterThan(9 * 3);
    expect(lit([0.5, 0.5])).toBeLessThan(9);
    expect(lit([1, 1])).toBe(9);
  });
});

describe('augmentBatch', () => {
  const cfg = { rotationRange: 20, widthShiftRange: 0.1, heightShiftRange: 0.1, shearRange: 10, zoomRange: 0.2, horizontalFlip: true, brightnessRange: [0.8, 1.2] as [number, number], channelShiftRange: 20, copies: 2, seed: 9 };

  it('makes copies·N samples with one-hot labels and the source index of each', () => {
    const input = noisy(5);
    const out = augmentBatch(input, cfg, { numClasses: 4, indexOffset: 100 });
    expect(out.count).toBe(10);
    expect(out.mixed).toBe(0);
    expect(out.images.length).toBe(10 * 8 * 8 * 3);
    expect(Array.from(out.sourceIndex)).toEqual([100, 101, 102, 103, 104, 100, 101, 102, 103, 104]);
    expect(Array.from(out.labels.subarray(4 * 3, 4 * 4))).toEqual([0, 0, 0, 1]); // image 3 → class 3
    // Copies differ from each other and from the original.
    expect(out.images.subarray(0, 192)).not.toEqual(out.images.subarray(5 * 192, 6 * 192));
    expect(Array.from(out.images.subarray(0, 192))).not.toEqual(Array.from(input.images.subarray(0, 192)));
  });

  it('is deterministic, and independent of batch size and of how the split is cut into calls', () => {
    const input = noisy(7);
    const a = augmentBatch(input, cfg, { numClasses: 4 });
    expect(augmentBatch(input, cfg, { numClasses: 4 }).images).toEqual(a.images);
    expect(augmentBatch(input, cfg, { numClasses: 4, batchSize: 3 }).images).toEqual(a.images);
    const size = 8 * 8 * 3;
    const tail = augmentBatch({ ...input, images: input.images.slice(4 * size), labels: input.labels.slice(4) }, cfg, { numClasses: 4, indexOffset: 4 });
    expect(tail.images.subarray(0, size)).toEqual(a.images.subarray(4 * size, 5 * size));
    expect(augmentBatch(input, { ...cfg, seed: 10 }, { numClasses: 4 }).images).not.toEqual(a.images);
  });

  it('copies 0 gives nothing, a no-op config gives the originals as floats', () => {
    const input = noisy(3);
    expect(augmentBatch(input, { copies: 0 }, { numClasses: 4 }).count).toBe(0);
    const same = augmentBatch(input, {}, { numClasses: 4 });
    expect(Array.from(same.images)).toEqual(Array.from(input.images));
  });

  it('adds CutMix and MixUp samples with soft labels that sum to 1', () => {
    const input = noisy(40, 6, 6, 1);
    const out = augmentBatch(input, { copies: 1, seed: 4, cutmix: { alpha: 1, prob: 0.5 }, mixup: { alpha: 0.4, prob: 0.5 } }, { numClasses: 4 });
    expect(out.mixed).toBeGreaterThan(20);
    expect(out.mixed).toBeLessThan(60);
    expect(out.count).toBe(40 + out.mixed);
    let soft = 0;
    for (let i = 40; i < out.count; i++) {
      const y = Array.from(out.labels.subarray(i * 4, i * 4 + 4));
      expect(y.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
      if (y.filter((v) => v > 1e-6).length === 2) soft++;
    }
    expect(soft).toBeGreaterThan(out.mixed / 2);
  });

  it('MixUp samples are λ·a + (1−λ)·b of two originals, λ read back from the label', () => {
    const n = 8;
    const images = new Uint8Array(n * 4);
    for (let i = 0; i < n; i++) images.fill(i * 30, i * 4, i * 4 + 4);
    const input = { images, labels: Int32Array.from({ length: n }, (_, i) => i), height: 2, width: 2, channels: 1 };
    const out = augmentBatch(input, { copies: 0, seed: 1, mixup: { alpha: 1, prob: 1 } }, { numClasses: n });
    expect(out.mixed).toBe(n);
    for (let k = 0; k < out.count; k++) {
      const y = out.labels.subarray(k * n, (k + 1) * n);
      const a = out.sourceIndex[k]!;
      const lambda = y[a]!;
      const b = Array.from(y).findIndex((v, j) => j !== a && v > 0);
      const expected = b < 0 ? a * 30 : lambda * a * 30 + (1 - lambda) * b * 30;
      expect(out.images[k * 4]).toBeCloseTo(expected, 3);
    }
  });

  it('CutMix samples hold pixels of a and b only, b on a 1−λ share of the image', () => {
    const n = 6;
    const images = new Uint8Array(n * 36);
    for (let i = 0; i < n; i++) images.fill(i * 40, i * 36, (i + 1) * 36);
    const input = { images, labels: Int32Array.from({ length: n }, (_, i) => i), height: 6, width: 6, channels: 1 };
    const out = augmentBatch(input, { copies: 0, seed: 3, cutmix: { alpha: 1, prob: 1 } }, { numClasses: n });
    expect(out.mixed).toBe(n);
    for (let k = 0; k < n; k++) {
      const a = out.sourceIndex[k]!;
      const y = out.labels.subarray(k * n, (k + 1) * n);
      const px = Array.from(out.images.subarray(k * 36, (k + 1) * 36));
      const fromA = px.filter((v) => v === a * 40).length;
      expect(fromA / 36).toBeCloseTo(y[a]!, 6);
      const b = Array.from(y).findIndex((v, j) => j !== a && v > 0);
      if (b >= 0) expect(px.every((v) => v === a * 40 || v === b * 40)).toBe(true);
    }
  });

  it('augmentDataset takes the label width from the class names', () => {
    const input = noisy(2);
    const out = augmentDataset({ ...input, images: input.images as Uint8Array, classNames: ['a', 'b', 'c', 'd', 'e'] }, { copies: 1, rotationRange: 10 });
    expect(out.labels.length).toBe(2 * 5);
  });

  it('leaks no tensors', () => {
    const input = noisy(6);
    augmentBatch(input, { ...cfg, fillMode: 'wrap', cutmix: { alpha: 1, prob: 0.5 }, mixup: { alpha: 1, prob: 0.5 } }, { numClasses: 4, batchSize: 4 });
    const before = tf.memory().numTensors;
    for (let k = 0; k < 3; k++) {
      augmentBatch(input, { ...cfg, fillMode: k === 0 ? 'wrap' : k === 1 ? 'constant' : 'reflect', cutmix: { alpha: 1, prob: 0.5 }, mixup: { alpha: 1, prob: 0.5 } }, { numClasses: 4, batchSize: 4 });
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('sampleAugmentParams', () => {
  it('turning one option on leaves the other draws unchanged (fixed slots)', () => {
    const a = sampleAugmentParams(normalizeAugmentOptions({ rotationRange: 30, seed: 2 }), 28, 28, 5, 1);
    const b = sampleAugmentParams(normalizeAugmentOptions({ rotationRange: 30, seed: 2, horizontalFlip: true, shearRange: 5 }), 28, 28, 5, 1);
    expect(b.affine.theta).toBe(a.affine.theta);
    expect(Math.abs(a.affine.theta)).toBeLessThanOrEqual(30);
    expect(a.affine.shear === 0 && a.affine.zx === 1 && a.brightness === 1 && !a.flipHorizontal).toBe(true);
  });

  it('zoom factors are drawn in the range and inverted for Keras', () => {
    const cfg = normalizeAugmentOptions({ zoomRange: [1.5, 2] });
    for (let i = 0; i < 20; i++) {
      const s = sampleAugmentParams(cfg, 8, 8, i, 0);
      expect(1 / s.affine.zx).toBeGreaterThanOrEqual(1.5);
      expect(1 / s.affine.zy).toBeLessThanOrEqual(2);
    }
    expect(normalizeAugmentOptions({ zoomRange: 0.2 }).zoomRange).toEqual([0.8, 1.2]);
    expect(() => normalizeAugmentOptions({ zoomRange: [0, 1] })).toThrow(RangeError);
  });
});

describe('flips in augmentBatch', () => {
  it('horizontalFlip alone gives each image either unchanged or mirrored left–right, exactly', () => {
    const n = 16;
    const h = 3;
    const w = 4;
    const images = Uint8Array.from({ length: n * h * w }, (_, i) => (i * 29) % 256);
    const out = augmentBatch({ images, labels: new Int32Array(n), height: h, width: w, channels: 1 }, { horizontalFlip: true, seed: 2 }, { numClasses: 1 });
    let mirrored = 0;
    for (let i = 0; i < n; i++) {
      const src = Array.from(images.subarray(i * 12, (i + 1) * 12));
      const got = Array.from(out.images.subarray(i * 12, (i + 1) * 12));
      const flipped = src.map((_, k) => src[Math.floor(k / w) * w + (w - 1 - (k % w))]);
      if (got.join() === flipped.join()) mirrored++;
      else expect(got).toEqual(src);
    }
    expect(mirrored).toBeGreaterThan(2);
    expect(mirrored).toBeLessThan(n - 2);
  });

  it('a flip after a warp equals the warp then a mirror (folded into one matrix)', () => {
    const cfg = normalizeAugmentOptions({ rotationRange: 25, verticalFlip: true, seed: 5, fillMode: 'reflect' });
    const input = noisy(6, 5, 7, 2);
    const both = augmentBatch(input, cfg, { numClasses: 4 });
    const noFlip = augmentBatch(input, { ...cfg, verticalFlip: false }, { numClasses: 4 });
    const size = 5 * 7 * 2;
    for (let i = 0; i < 6; i++) {
      const flipped = sampleAugmentParams(cfg, 5, 7, i, 0).flipVertical;
      const a = tf.tensor3d(noFlip.images.subarray(i * size, (i + 1) * size), [5, 7, 2]);
      const expected = flipped ? tf.reverse(a, 0) : a;
      const diff = tf.tensor3d(both.images.subarray(i * size, (i + 1) * size), [5, 7, 2]).sub(expected).abs().max().dataSync()[0]!;
      expect(diff).toBeLessThan(1e-3);
      tf.dispose([a, expected]);
    }
  });
});
