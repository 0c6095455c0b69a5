import { decidePromotion } from '../../../lib/stages/champion';

const champion = { version: 'run-a', testAccuracy: 0.8, fingerprint: 'f', specHash: 'h' };

describe('decidePromotion', () => {
  test('the first model is promoted', () => {
    expect(decidePromotion({ version: 'run-b', testAccuracy: 0.5 }, undefined, 0.1).promoted).toBe(true);
  });

  test('a challenger must beat the champion by more than the margin', () => {
    expect(decidePromotion({ version: 'run-b', testAccuracy: 0.85 }, champion, 0.02)).toMatchObject({ promoted: true });
    const kept = decidePromotion({ version: 'run-b', testAccuracy: 0.81 }, champion, 0.02);
    expect(kept.promoted).toBe(false);
    expect(kept.reason).toContain('kept run-a');
    expect(kept.reason).toContain('+1.00 points');
  });

  test('a tie does not promote, even with no margin', () => {
    expect(decidePromotion({ version: 'run-b', testAccuracy: 0.8 }, champion, 0).promoted).toBe(false);
  });

  test('a retried publish of the current model stays promoted', () => {
    expect(decidePromotion({ version: 'run-a', testAccuracy: 0.8 }, champion, 0.5).promoted).toBe(true);
  });
});
