import { AUGMENT_DEFAULTS, normalizeAugmentOptions, type AugmentConfig } from '../../../lib/augment';
import { checkAugmentConfig } from '../../../lib/augment/config';
import { canonicalJson } from '../../../lib/store/cache-key';
import { definePipeline } from '../../../pipelines';

const spec = definePipeline({
  name: 'aug',
  dataset: { source: 'idx:///data/fmnist' },
  base: { architecture: 'small-cnn' },
  mode: 'retrain',
  augment: { rotationRange: 15, zoomRange: 0.1, fillMode: 'reflect', copies: 2, seed: 7, mixup: {} },
});

describe('augment config: defaults and checks', () => {
  it('fills the missing fields of a partial config from AUGMENT_DEFAULTS', () => {
    expect(normalizeAugmentOptions()).toEqual(AUGMENT_DEFAULTS);
    expect(normalizeAugmentOptions({ copies: 3, seed: undefined })).toEqual({ ...AUGMENT_DEFAULTS, copies: 3 });
  });

  it('passes a normalized spec section through unchanged: the augment stage fills nothing', () => {
    expect(checkAugmentConfig(spec.augment)).toBe(spec.augment);
    expect(normalizeAugmentOptions(spec.augment)).toEqual(spec.augment);
    // The augment stage's cache key config is what it was when the stage filled defaults itself.
    expect(canonicalJson(checkAugmentConfig(spec.augment))).toBe(canonicalJson(normalizeAugmentOptions(spec.augment)));
  });

  it('rejects impossible values without filling any', () => {
    const bad = (patch: Partial<AugmentConfig>) => () => checkAugmentConfig({ ...AUGMENT_DEFAULTS, ...patch });
    expect(bad({ zoomRange: [0, 1] })).toThrow(/zoomRange/);
    expect(bad({ copies: 1.5 })).toThrow(/copies/);
    expect(bad({ mixup: { alpha: 0, prob: 0.5 } })).toThrow(/mixup/);
    expect(bad({})).not.toThrow();
  });
});
