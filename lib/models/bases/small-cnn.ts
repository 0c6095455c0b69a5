import * as tf from '@tensorflow/tfjs-node';
import { checkInputShape, initOverrides, type ArchitectureOptions } from './input-shape';

const FILTERS = [32, 64, 128] as const;

/**
 * A small base for 28–32 px images: three blocks of
 * conv(3×3, no bias) → BatchNormalization → ReLU → 2×2 max-pool, named
 * `conv<i>`, `conv<i>_bn`, `conv<i>_relu`, `pool<i>`. 28×28 → 3×3×128.
 * BN is there on purpose: frozen-BN handling must work on the small base too.
 * Its momentum is 0.9, not Keras's 0.99: small datasets give few steps per
 * epoch, and at 0.99 the moving statistics still lean on their initial
 * values after a few hundred steps, which wrecks inference-mode accuracy.
 */
export function smallCnn(inputShape: readonly number[], opts: ArchitectureOptions = {}): tf.LayersModel {
  const shape = checkInputShape('small-cnn', inputShape, 8);
  const input = tf.input({ shape, name: 'input_1' });
  let x: tf.SymbolicTensor = input;
  FILTERS.forEach((filters, i) => {
    const n = i + 1;
    const layers = [
      tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false, name: `conv${n}`, ...initOverrides(opts) }),
      tf.layers.batchNormalization({ name: `conv${n}_bn`, momentum: 0.9 }),
      tf.layers.activation({ activation: 'relu', name: `conv${n}_relu` }),
      tf.layers.maxPooling2d({ poolSize: 2, name: `pool${n}` }),
    ];
    for (const layer of layers) x = layer.apply(x) as tf.SymbolicTensor;
  });
  return tf.model({ inputs: input, outputs: x, name: 'small_cnn' });
}
