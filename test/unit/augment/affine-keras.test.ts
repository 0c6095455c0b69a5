import * as tf from '@tensorflow/tfjs-node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyAffine, applyAffineBatch } from '../../../lib/augment';
import type { AffineParams, FillMode } from '../../../lib/augment';

interface KerasCase {
  name: string;
  shape: [number, number, number];
  params: { theta?: number; tx?: number; ty?: number; shear?: number; zx?: number; zy?: number; fill_mode?: string; cval?: number };
  input: number[];
  expected: number[];
}

const fixture = JSON.parse(
  readFileSync(join(__dirname, '../../fixtures/augment/affine-keras.json'), 'utf8'),
) as { keras: string; cases: KerasCase[] };

function toParams(p: KerasCase['params']): AffineParams {
  const { fill_mode, ...rest } = p;
  return { ...rest, ...(fill_mode ? { fillMode: fill_mode as FillMode } : {}) };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return m;
}

describe('applyAffine against Keras apply_affine_transform (fixtures from Keras ' + fixture.keras + ')', () => {
  it('has the expected fixture cases', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(10);
  });

  for (const c of fixture.cases) {
    it(`matches "${c.name}" to 1e-4`, () => {
      const x = tf.tensor3d(c.input, c.shape, 'float32');
      const y = applyAffine(x, toParams(c.params));
      expect(y.shape).toEqual(c.shape);
      expect(maxAbsDiff(y.dataSync(), c.expected)).toBeLessThan(1e-4);
      tf.dispose([x, y]);
    });
  }

  it('the batched op gives each image its own transform', () => {
    const cases = fixture.cases.filter((c) => c.shape.join() === '12,12,3' && !c.params.fill_mode);
    expect(cases.length).toBeGreaterThanOrEqual(2);
    const x = tf.tensor4d(cases.flatMap((c) => c.input), [cases.length, 12, 12, 3]);
    const y = applyAffineBatch(x, cases.map((c) => toParams(c.params)));
    const out = y.dataSync();
    cases.forEach((c, i) => {
      expect(maxAbsDiff(out.subarray(i * 432, (i + 1) * 432), c.expected)).toBeLessThan(1e-4);
    });
    tf.dispose([x, y]);
  });
});
