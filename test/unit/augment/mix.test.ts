import * as tf from '@tensorflow/tfjs-node';
import { KeyedRandom } from '../../../lib/data';
import { cutmix, cutmixBox, mixup } from '../../../lib/augment';

const full = (v: number): tf.Tensor3D => tf.fill([4, 5, 1], v) as tf.Tensor3D;

describe('mixup', () => {
  it('x = λ·a + (1−λ)·b and y = λ·ya + (1−λ)·yb', () => {
    const a = full(10);
    const b = full(20);
    const r = mixup(a, b, [1, 0, 0], [0, 0, 1], 0.3);
    expect(r.lambda).toBe(0.3);
    expect(r.image.dataSync()[0]).toBeCloseTo(17, 5);
    expect(Array.from(r.label).map((v) => +v.toFixed(6))).toEqual([0.3, 0, 0.7]);
    tf.dispose([a, b, r.image]);
    expect(() => mixup(full(0), full(0), [1], [1], 1.5)).toThrow(RangeError);
  });
});

describe('cutmix', () => {
  it('pastes the box of b into a and recomputes λ from the pasted area', () => {
    const a = full(1);
    const b = full(2);
    const r = cutmix(a, b, [1, 0], [0, 1], 0.9, { y0: 1, x0: 1, y1: 3, x1: 4 });
    const px = r.image.dataSync();
    const twos = Array.from(px).filter((v) => v === 2).length;
    expect(twos).toBe(6); // 2 rows × 3 columns
    expect(px[1 * 5 + 1]).toBe(2);
    expect(px[0]).toBe(1);
    expect(r.lambda).toBeCloseTo(1 - 6 / 20, 10);
    // The papers' label: λ·ya + (1−λ)·yb, with the effective λ.
    expect(r.label[0]).toBeCloseTo(0.7, 6);
    expect(r.label[1]).toBeCloseTo(0.3, 6);
    tf.dispose([a, b, r.image]);
  });

  it('a box hanging over the edge is clipped and λ follows the clipped area', () => {
    const a = full(0);
    const b = full(1);
    const r = cutmix(a, b, [1, 0], [0, 1], 0.5, { y0: -3, x0: 3, y1: 2, x1: 9 });
    expect(r.lambda).toBeCloseTo(1 - 4 / 20, 10); // rows 0..1 × cols 3..4
    expect(r.image.sum().dataSync()[0]).toBe(4);
    tf.dispose([a, b, r.image]);
  });

  it('without a box, the box has sides H·√(1−λ), W·√(1−λ), centred', () => {
    const box = cutmixBox(0.75, 8, 10);
    expect([box.y1 - box.y0, box.x1 - box.x0]).toEqual([4, 5]);
    expect(box).toEqual({ y0: 2, x0: 3, y1: 6, x1: 8 });
  });

  it('random boxes stay inside the image and λ = 1 − area/(H·W) matches the paste', () => {
    const rng = new KeyedRandom(8);
    for (let k = 0; k < 30; k++) {
      const box = cutmixBox(rng.next(), 6, 7, rng);
      expect(box.y0).toBeGreaterThanOrEqual(0);
      expect(box.x1).toBeLessThanOrEqual(7);
      const a = tf.zeros([6, 7, 1]) as tf.Tensor3D;
      const b = tf.ones([6, 7, 1]) as tf.Tensor3D;
      const r = cutmix(a, b, [1, 0], [0, 1], 0, box);
      expect(1 - r.image.sum().dataSync()[0]! / 42).toBeCloseTo(r.lambda, 10);
      tf.dispose([a, b, r.image]);
    }
  });
});
