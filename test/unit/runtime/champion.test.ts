// Champion/challenger: the retrain gate, the paired counts, the 95 % margin
// of an accuracy difference on the same images, and the promotion decision.
import { confidenceMargin, decidePromotion, pairedCounts, retrainGate, type PairedCounts } from '../../../lib/stages/champion';

const champion = { version: 'run-a', testAccuracy: 0.8, fingerprint: 'f'.repeat(64), specHash: 'h', modelSpecHash: 'm'.repeat(64) };

/** Paired counts of n images: b only the challenger gets right, c only the champion, `both` both. */
const paired = (n: number, b: number, c: number, both = 0): PairedCounts =>
  ({ images: n, challengerRight: both + b, championRight: both + c, onlyChallenger: b, onlyChampion: c });

describe('retrainGate', () => {
  const now = { fingerprint: champion.fingerprint, modelSpecHash: champion.modelSpecHash };

  test('unchanged data and spec end the run, saying so', () => {
    const gate = retrainGate(champion, now);
    expect(gate).toMatchObject({ retrain: false, fired: [] });
    expect(gate.reason).toBe('data and spec unchanged since model run-a (fingerprint ffffffffffff, model-spec hash mmmmmmmmmmmm)');
  });

  test('says which fired: data, spec, or both', () => {
    expect(retrainGate(champion, { ...now, fingerprint: 'g'.repeat(64) })).toEqual({
      retrain: true, fired: ['data'], reason: 'data changed since model run-a (fingerprint ffffffffffff → gggggggggggg)',
    });
    expect(retrainGate(champion, { ...now, modelSpecHash: 'n'.repeat(64) })).toEqual({
      retrain: true, fired: ['spec'], reason: 'spec changed since model run-a (model-spec hash mmmmmmmmmmmm → nnnnnnnnnnnn)',
    });
    expect(retrainGate(champion, { fingerprint: 'g'.repeat(64), modelSpecHash: 'n'.repeat(64) })).toMatchObject({
      retrain: true, fired: ['data', 'spec'], reason: expect.stringMatching(/^data and spec changed since model run-a \(fingerprint .* → .*, model-spec hash .* → .*\)$/),
    });
  });

  test('no current model, or one with no recorded model-spec hash, retrains', () => {
    expect(retrainGate(undefined, now)).toMatchObject({ retrain: true, reason: 'no current model' });
    const { modelSpecHash: _, ...older } = champion;
    expect(retrainGate(older, now)).toMatchObject({ retrain: true, fired: ['spec'], reason: expect.stringContaining('none recorded →') });
  });
});

describe('pairedCounts', () => {
  test('counts right answers per model and the images only one of them gets right', () => {
    const truth = [0, 1, 2, 0, 1];
    expect(pairedCounts(truth, [0, 1, 0, 1, 1], [0, 2, 2, 1, -1])).toEqual({ images: 5, challengerRight: 3, championRight: 2, onlyChallenger: 2, onlyChampion: 1 });
    expect(() => pairedCounts(truth, [0], truth)).toThrow(RangeError);
  });
});

describe('confidenceMargin (95 %, paired, continuity-corrected)', () => {
  test('is z·√(b + c − (b − c)²/n)/n + 1/n', () => {
    expect(confidenceMargin(paired(100, 5, 0))).toBeCloseTo((1.959964 * Math.sqrt(5 - 25 / 100) + 1) / 100, 6);
    expect(confidenceMargin(paired(1000, 30, 20))).toBeCloseTo((1.959964 * Math.sqrt(50 - 100 / 1000) + 1) / 1000, 6);
  });

  test('agrees with McNemar’s exact test at 5 %: 5 of 5 discordant images is not enough, 6 of 6 is', () => {
    // Two-sided exact p: 2·0.5^5 = 0.0625 and 2·0.5^6 = 0.031.
    expect(0.05).toBeLessThan(confidenceMargin(paired(100, 5, 0)));
    expect(0.06).toBeGreaterThan(confidenceMargin(paired(100, 6, 0)));
  });

  test('with no discordant image it is 1/n, so a tie never clears it; more images shrink it; none is infinite', () => {
    expect(confidenceMargin(paired(100, 0, 0))).toBeCloseTo(0.01, 12);
    expect(confidenceMargin(paired(10_000, 300, 200))).toBeLessThan(confidenceMargin(paired(1_000, 30, 20)));
    expect(confidenceMargin(paired(0, 0, 0))).toBe(Infinity);
  });
});

describe('decidePromotion', () => {
  const challenger = { version: 'run-b', testAccuracy: 0.9, testImages: 600 };

  test('the first model is promoted, and a retried publish of the current model stays promoted', () => {
    expect(decidePromotion(challenger, undefined, undefined, 0.1)).toEqual({ promoted: true, reason: 'first model: 90.00% on 600 test images', testImages: 600, challengerAccuracy: 0.9 });
    expect(decidePromotion({ ...challenger, version: 'run-a' }, champion, undefined, 0.5).promoted).toBe(true);
    expect(() => decidePromotion(challenger, champion, undefined, 0)).toThrow(/not judged/);
  });

  test('a gain beyond the 95 % margin promotes, with both accuracies on the same images in the reason', () => {
    const decision = decidePromotion(challenger, champion, paired(600, 40, 10, 500), 0);
    expect(decision).toMatchObject({ promoted: true, testImages: 600, challengerAccuracy: 540 / 600, championAccuracy: 510 / 600 });
    expect(decision.margin).toBeCloseTo(confidenceMargin(paired(600, 40, 10)), 12);
    expect(decision.reason).toMatch(/^90\.00% vs run-a's 85\.00% on the same 600 test images: \+5\.00 points, more than the margin of 2\.44 points \(95% confidence\)$/);
  });

  test('a tie, or a gain within the margin, keeps the champion', () => {
    const tie = decidePromotion(challenger, champion, paired(600, 10, 10, 500), 0);
    expect(tie).toMatchObject({ promoted: false, challengerAccuracy: tie.championAccuracy });
    expect(tie.reason).toMatch(/\+0\.00 points, not more than the margin of .* \(95% confidence\); kept run-a$/);
    const small = decidePromotion(challenger, champion, paired(600, 14, 10, 500), 0);
    expect(small.promoted).toBe(false);
  });

  test('promoteMargin counts when it is the larger of the two margins', () => {
    const clear = paired(600, 40, 10, 500);
    expect(decidePromotion(challenger, champion, clear, 0.06)).toMatchObject({ promoted: false, margin: 0.06 });
    expect(decidePromotion(challenger, champion, clear, 0.06).reason).toMatch(/not more than the margin of 6\.00 points \(promoteMargin\); kept run-a$/);
  });

  test('with no test images the champion stays', () => {
    expect(decidePromotion(challenger, champion, paired(0, 0, 0), 0)).toMatchObject({ promoted: false, testImages: 0 });
  });
});
