/** Defaults and checks for the `augment` section. */
import type { AugmentConfig, AugmentOptions } from './types';

/**
 * The spec's defaults: no augmentation. The one definition: pipelines/schema.ts
 * builds its `augment` defaults from these, so lib callers that give only some
 * fields (benchmarks, tests) get exactly what a normalized spec holds.
 */
export const AUGMENT_DEFAULTS = Object.freeze({
  rotationRange: 0,
  widthShiftRange: 0,
  heightShiftRange: 0,
  shearRange: 0,
  zoomRange: Object.freeze([1, 1] as const),
  horizontalFlip: false,
  verticalFlip: false,
  brightnessRange: null,
  channelShiftRange: 0,
  fillMode: 'nearest',
  cval: 0,
  copies: 1,
  seed: 0,
  cutmix: null,
  mixup: null,
} as const satisfies AugmentConfig);

/** Fills the defaults in for callers that give only some fields, then checks the result. */
export function normalizeAugmentOptions(options: AugmentOptions = {}): AugmentConfig {
  const zoom = options.zoomRange ?? AUGMENT_DEFAULTS.zoomRange;
  const zoomRange: [number, number] = typeof zoom === 'number' ? [1 - zoom, 1 + zoom] : [zoom[0], zoom[1]];
  return checkAugmentConfig({ ...AUGMENT_DEFAULTS, ...stripUndefined(options), zoomRange });
}

/**
 * Rejects impossible values of a complete config (a normalized spec section)
 * and returns it unchanged; fills nothing, so stages see the spec's values only.
 */
export function checkAugmentConfig(cfg: AugmentConfig): AugmentConfig {
  if (!(cfg.zoomRange[0] > 0 && cfg.zoomRange[1] >= cfg.zoomRange[0])) {
    throw new RangeError(`augment.zoomRange must be 0 < min <= max, got [${cfg.zoomRange.join(', ')}]`);
  }
  if (!Number.isInteger(cfg.copies) || cfg.copies < 0) throw new RangeError(`augment.copies must be an integer >= 0, got ${cfg.copies}`);
  for (const key of ['cutmix', 'mixup'] as const) {
    const m = cfg[key];
    if (m && !(m.alpha > 0 && m.prob >= 0 && m.prob <= 1)) throw new RangeError(`augment.${key} needs alpha > 0 and prob in [0, 1]`);
  }
  return cfg;
}

function stripUndefined(o: AugmentOptions): Partial<AugmentConfig> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<AugmentConfig>;
}

/** True when the config leaves images unchanged (no geometric or photometric change). */
export function augmentIsIdentity(cfg: AugmentConfig): boolean {
  return (
    cfg.rotationRange === 0 &&
    cfg.widthShiftRange === 0 &&
    cfg.heightShiftRange === 0 &&
    cfg.shearRange === 0 &&
    cfg.zoomRange[0] === 1 &&
    cfg.zoomRange[1] === 1 &&
    !cfg.horizontalFlip &&
    !cfg.verticalFlip &&
    cfg.brightnessRange === null &&
    cfg.channelShiftRange === 0
  );
}
