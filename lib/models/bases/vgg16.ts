import * as tf from '@tensorflow/tfjs-node';
import { checkInputShape, initOverrides, type ArchitectureOptions } from './input-shape';

/** Filters per block and convolutions per block, as in Keras' VGG16. */
const BLOCKS: ReadonlyArray<readonly [number, number]> = [
  [64, 2], [128, 2], [256, 3], [512, 3], [512, 3],
];

/**
 * VGG16 without its classifier (`include_top=False`), with Keras' layer names
 * `block1_conv1` … `block5_pool`. Five 2×2 pools, so inputs must be ≥ 32×32.
 */
export function vgg16(inputShape: readonly number[], opts: ArchitectureOptions = {}): tf.LayersModel {
  const shape = checkInputShape('vgg16', inputShape, 32);
  const input = tf.input({ shape, name: 'input_1' });
  let x: tf.SymbolicTensor = input;
  BLOCKS.forEach(([filters, convs], b) => {
    for (let i = 1; i <= convs; i++) {
      x = tf.layers.conv2d({
        filters, kernelSize: 3, padding: 'same', activation: 'relu', name: `block${b + 1}_conv${i}`, ...initOverrides(opts),
      }).apply(x) as tf.SymbolicTensor;
    }
    x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `block${b + 1}_pool` }).apply(x) as tf.SymbolicTensor;
  });
  return tf.model({ inputs: input, outputs: x, name: 'vgg16' });
}
