import type * as tf from '@tensorflow/tfjs-node';
import { ModelError } from '../../errors';
import { ARCHITECTURES, type Architecture } from './catalog';
import { efficientNetLite } from './efficientnet-lite';
import type { ArchitectureOptions } from './input-shape';
import { mobilenet } from './mobilenet';
import { smallCnn } from './small-cnn';
import { vgg16 } from './vgg16';

export { ARCHITECTURES };

/** A built-in base with fresh (random) weights; `inputSize` is the side an EfficientNet-Lite runs at. */
export function buildArchitecture(
  arch: Architecture, inputShape: readonly number[], alpha = 1, opts: ArchitectureOptions & { inputSize?: number | null } = {},
): tf.LayersModel {
  switch (arch) {
    case 'efficientnet-lite0':
    case 'efficientnet-lite1':
    case 'efficientnet-lite2':
      return efficientNetLite(arch, inputShape, { ...(opts.shapeOnly ? { shapeOnly: true } : {}), ...(opts.inputSize ? { inputSize: opts.inputSize } : {}) });
    case 'vgg16': return vgg16(inputShape, opts);
    case 'mobilenet': return mobilenet(inputShape, alpha, opts);
    case 'small-cnn': return smallCnn(inputShape, opts);
    default:
      throw new ModelError(`unknown architecture '${String(arch)}'; one of ${ARCHITECTURES.join(', ')}`);
  }
}
