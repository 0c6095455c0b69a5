/**
 * Drawing one image's augmentation with Keras `ImageDataGenerator` ranges but
 * Graft's documented directions (see docs/augment.md):
 * - `widthShiftRange` moves the content horizontally, `heightShiftRange`
 *   vertically (Keras feeds height_shift_range into tx, which its matrix
 *   applies to columns);
 * - a zoom factor > 1 enlarges the content (zoom in); Keras's zx/zy are the
 *   inverse (> 1 zooms out).
 * Every value comes from its own slot of a stream keyed by
 * (seed, image index, copy), so switching one option on never changes the
 * others' draws.
 */
import { KeyedRandom } from '../data/random';
import type { AugmentConfig, AugmentSample } from './types';

/** Stream tag for geometric/photometric draws (mixing uses others). */
export const AUGMENT_STREAM = 0xa06;

/** The augmentation of copy `copy` of image `imageIndex` (a global index). */
export function sampleAugmentParams(cfg: AugmentConfig, height: number, width: number, imageIndex: number, copy: number): AugmentSample {
  const rng = new KeyedRandom(cfg.seed, AUGMENT_STREAM, imageIndex, copy);
  const sym = (r: number): number => (2 * rng.next() - 1) * r; // always draws, so slots stay fixed
  const theta = sym(cfg.rotationRange);
  const moveRight = sym(cfg.widthShiftRange) * width;
  const moveDown = sym(cfg.heightShiftRange) * height;
  const shear = sym(cfg.shearRange);
  const [zmin, zmax] = cfg.zoomRange;
  const magX = zmin + (zmax - zmin) * rng.next();
  const magY = zmin + (zmax - zmin) * rng.next();
  const flipH = rng.next() < 0.5;
  const flipV = rng.next() < 0.5;
  const uBright = rng.next();
  const shift = sym(cfg.channelShiftRange);
  const b = cfg.brightnessRange;
  return {
    // Keras pulls from T·out, so moving content by +d needs an offset of −d.
    affine: { theta, tx: moveRight === 0 ? 0 : -moveRight, ty: moveDown === 0 ? 0 : -moveDown, shear, zx: 1 / magX, zy: 1 / magY },
    flipHorizontal: cfg.horizontalFlip && flipH,
    flipVertical: cfg.verticalFlip && flipV,
    brightness: b ? b[0] + (b[1] - b[0]) * uBright : 1,
    channelShift: shift,
  };
}
