import { KeyedRandom } from '../../../lib/data';
import { sampleBeta, sampleGamma, sampleNormal } from '../../../lib/augment';

function moments(draw: () => number, n = 40000): { mean: number; variance: number } {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const v = draw();
    s += v;
    s2 += v * v;
  }
  const mean = s / n;
  return { mean, variance: s2 / n - mean * mean };
}

describe('Beta / Gamma samplers', () => {
  it.each([
    [2, 5],
    [0.2, 0.2],
    [1, 1],
    [0.4, 3],
  ])('Beta(%p, %p) has the right mean and variance and stays in [0, 1]', (a, b) => {
    const rng = new KeyedRandom(11, a * 100, b * 100);
    let outside = 0;
    const m = moments(() => {
      const v = sampleBeta(a, b, rng);
      if (v < 0 || v > 1) outside++;
      return v;
    });
    const mean = a / (a + b);
    const variance = (a * b) / ((a + b) ** 2 * (a + b + 1));
    expect(outside).toBe(0);
    expect(Math.abs(m.mean - mean)).toBeLessThan(0.01);
    expect(Math.abs(m.variance - variance) / variance).toBeLessThan(0.05);
  });

  it('Gamma(k) has mean k and variance k, for k below and above 1', () => {
    for (const k of [0.3, 2.5]) {
      const rng = new KeyedRandom(3, k * 10);
      const m = moments(() => sampleGamma(k, rng));
      expect(Math.abs(m.mean - k) / k).toBeLessThan(0.03);
      expect(Math.abs(m.variance - k) / k).toBeLessThan(0.06);
    }
    expect(() => sampleGamma(0, new KeyedRandom(1))).toThrow(RangeError);
  });

  it('the normal draw is standard', () => {
    const rng = new KeyedRandom(5);
    const m = moments(() => sampleNormal(rng));
    expect(Math.abs(m.mean)).toBeLessThan(0.02);
    expect(Math.abs(m.variance - 1)).toBeLessThan(0.03);
  });
});
