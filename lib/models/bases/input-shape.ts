import { ModelError } from '../../errors';

export type InputShape = [number, number, number];

/** Checks an [h, w, c] input shape against an architecture's minimum size. */
export function checkInputShape(arch: string, shape: readonly number[], minSize: number): InputShape {
  if (shape.length !== 3 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ModelError(`${arch}: inputShape must be [h, w, c] of positive integers, got [${shape.join(', ')}]`);
  }
  const [h, w, c] = shape as InputShape;
  if (h < minSize || w < minSize) {
    throw new ModelError(`${arch}: input must be at least ${minSize}x${minSize}, got ${h}x${w}`);
  }
  return [h, w, c];
}

export interface ArchitectureOptions {
  /**
   * Zero weights instead of random ones, for summaries where only shapes
   * count: tfjs draws random initial values in JavaScript, which takes
   * seconds per ten million weights (VGG16 + head ≈ 30 s on one core).
   */
  readonly shapeOnly?: boolean;
}

/** Initializer overrides for `shapeOnly` builds; empty otherwise. */
export function initOverrides(opts: ArchitectureOptions, key: 'kernelInitializer' | 'depthwiseInitializer' = 'kernelInitializer'): Record<string, 'zeros'> {
  return opts.shapeOnly ? { [key]: 'zeros' } : {};
}
