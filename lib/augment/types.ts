/** Option and parameter types of lib/augment; field names follow the spec's `augment` section. */

/** How points that fall outside the image are filled. */
export type FillMode = 'nearest' | 'constant' | 'reflect' | 'wrap';

/**
 * Parameters of Keras's legacy `apply_affine_transform(x, theta, tx, ty,
 * shear, zx, zy, row_axis=0, col_axis=1, channel_axis=2, fill_mode, cval,
 * order=1)`, with exactly Keras's meaning (see docs/augment.md):
 * the output pixel at (row r, col c) is read from the input at
 * T·(c, r) (pull mapping) with T = centre · rotation(theta) · shift(tx, ty) ·
 * shear · zoom(zx, zy) · centre⁻¹ acting on (column, row) coordinates.
 */
export interface AffineParams {
  /** Rotation in degrees; positive turns the content counter-clockwise on screen. */
  readonly theta?: number;
  /** Column offset in pixels: the content moves LEFT by tx. */
  readonly tx?: number;
  /** Row offset in pixels: the content moves UP by ty. */
  readonly ty?: number;
  /** Shear angle in degrees. */
  readonly shear?: number;
  /** Column sampling factor: > 1 shrinks the content horizontally (zooms out). */
  readonly zx?: number;
  /** Row sampling factor: > 1 shrinks the content vertically (zooms out). */
  readonly zy?: number;
  /** [nearest] */
  readonly fillMode?: FillMode;
  /** Fill value for `constant` [0]. */
  readonly cval?: number;
}

/** `augment.cutmix` / `augment.mixup`. */
export interface MixOptions {
  /** Beta(α, α) parameter of the mixing ratio λ. */
  readonly alpha: number;
  /** Per-image probability of making one mixed sample. */
  readonly prob: number;
}

/** Some fields of the `augment` section; `normalizeAugmentOptions` fills the rest from `AUGMENT_DEFAULTS` (no augmentation). */
export interface AugmentOptions {
  /** Degrees; the angle is uniform in [-r, r]. */
  readonly rotationRange?: number;
  /** Fraction of the width; the content moves horizontally by u·W, u uniform in [-r, r]. */
  readonly widthShiftRange?: number;
  /** Fraction of the height; the content moves vertically by u·H. */
  readonly heightShiftRange?: number;
  /** Degrees; uniform in [-r, r]. */
  readonly shearRange?: number;
  /** [min, max] magnification (Graft: > 1 enlarges the content = zoom in); a number z means [1-z, 1+z]. */
  readonly zoomRange?: readonly [number, number] | number;
  readonly horizontalFlip?: boolean;
  readonly verticalFlip?: boolean;
  /** [min, max] factor multiplying every pixel. */
  readonly brightnessRange?: readonly [number, number] | null;
  /** Intensity in image units, uniform in [-r, r], added to every channel. */
  readonly channelShiftRange?: number;
  readonly fillMode?: FillMode;
  readonly cval?: number;
  /** Augmented copies per training image. */
  readonly copies?: number;
  readonly seed?: number;
  readonly cutmix?: MixOptions | null;
  readonly mixup?: MixOptions | null;
}

/** Every field of the `augment` section, as a normalized spec holds it. */
export interface AugmentConfig {
  readonly rotationRange: number;
  readonly widthShiftRange: number;
  readonly heightShiftRange: number;
  readonly shearRange: number;
  readonly zoomRange: readonly [number, number];
  readonly horizontalFlip: boolean;
  readonly verticalFlip: boolean;
  readonly brightnessRange: readonly [number, number] | null;
  readonly channelShiftRange: number;
  readonly fillMode: FillMode;
  readonly cval: number;
  readonly copies: number;
  readonly seed: number;
  readonly cutmix: MixOptions | null;
  readonly mixup: MixOptions | null;
}

/** Everything drawn for one augmented image. */
export interface AugmentSample {
  readonly affine: Required<Omit<AffineParams, 'fillMode' | 'cval'>>;
  readonly flipHorizontal: boolean;
  readonly flipVertical: boolean;
  /** Multiplier (1 = unchanged). */
  readonly brightness: number;
  /** Added intensity (0 = unchanged). */
  readonly channelShift: number;
}
