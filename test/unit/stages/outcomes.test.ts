import { combinedOutcome } from '../../../lib/stages/outcomes';

describe('combinedOutcome', () => {
  it('says the most work any part did: resumed, then computed, then cached', () => {
    expect(combinedOutcome(['cached', 'resumed', 'computed'])).toBe('resumed');
    expect(combinedOutcome(['cached', 'computed', 'skipped'])).toBe('computed');
    expect(combinedOutcome(['skipped', 'cached'])).toBe('cached');
  });

  it('is skipped when every part was, or there were none', () => {
    expect(combinedOutcome(['skipped', 'skipped'])).toBe('skipped');
    expect(combinedOutcome([])).toBe('skipped');
  });
});
