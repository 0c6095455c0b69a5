import type * as tf from '@tensorflow/tfjs-node';
import { ModelError } from '../../errors';
import type { Architecture } from '../types';
import type { ArchitectureOptions } from './input-shape';
import { mobilenet } from './mobilenet';
import { smallCnn } from './small-cnn';
import { vgg16 } from './vgg16';

export const ARCHITECTURES: readonly Architecture[] = ['vgg16', 'mobilenet', 'small-cnn'];

/** A built-in base with fresh (random) weights. */
export function buildArchitecture(
  arch: Architecture, inputShape: readonly number[], alpha = 1, opts: ArchitectureOptions = {},
): tf.LayersModel {
  switch (arch) {
    case 'vgg16': return vgg16(inputShape, opts);
    case 'mobilenet': return mobilenet(inputShape, alpha, opts);
    case 'small-cnn': return smallCnn(inputShape, opts);
    default:
      throw new ModelError(`unknown architecture '${String(arch)}'; one of ${ARCHITECTURES.join(', ')}`);
  }
}
