import * as tf from '@tensorflow/tfjs-node';
import { ModelError } from '../../errors';
import { checkInputShape, initOverrides, type ArchitectureOptions } from './input-shape';
import { ReLU } from './relu-layer';

/** Pointwise filters and stride of the 13 depthwise blocks of MobileNet v1. */
const BLOCKS: ReadonlyArray<readonly [number, 1 | 2]> = [
  [64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2],
  [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1],
];

type Sym = tf.SymbolicTensor;
const apply = (layer: tf.layers.Layer, x: Sym): Sym => layer.apply(x) as Sym;

/** BatchNormalization + ReLU6 (Graft's one-op ReLU, relu-layer.ts), named `<name>_bn` / `<name>_relu` like Keras. */
function bnRelu(x: Sym, name: string): Sym {
  const y = apply(tf.layers.batchNormalization({ axis: -1, name: `${name}_bn` }), x);
  return apply(new ReLU({ maxValue: 6, name: `${name}_relu` }), y);
}

/**
 * MobileNet v1 without its classifier, Keras layer names (`conv1`, `conv1_bn`,
 * `conv1_relu`, `conv_pad_2`, `conv_dw_1`, `conv_dw_1_bn`, `conv_pw_1`, …).
 * Convolutions have no bias, as in Keras; inputs must be ≥ 32×32.
 */
export function mobilenet(inputShape: readonly number[], alpha = 1, opts: ArchitectureOptions = {}): tf.LayersModel {
  if (!(alpha > 0)) throw new ModelError(`mobilenet: alpha must be > 0, got ${alpha}`);
  const shape = checkInputShape('mobilenet', inputShape, 32);
  const input = tf.input({ shape, name: 'input_1' });
  let x = apply(tf.layers.conv2d({
    filters: Math.trunc(32 * alpha), kernelSize: 3, strides: 2, padding: 'same', useBias: false, name: 'conv1', ...initOverrides(opts),
  }), input);
  x = bnRelu(x, 'conv1');
  BLOCKS.forEach(([filters, stride], i) => {
    const id = i + 1;
    // Keras pads bottom/right by one before a strided depthwise conv.
    if (stride === 2) {
      x = apply(tf.layers.zeroPadding2d({ padding: [[0, 1], [0, 1]], name: `conv_pad_${id}` }), x);
    }
    x = apply(tf.layers.depthwiseConv2d({
      kernelSize: 3, strides: stride, padding: stride === 1 ? 'same' : 'valid', useBias: false, name: `conv_dw_${id}`,
      ...initOverrides(opts, 'depthwiseInitializer'),
    }), x);
    x = bnRelu(x, `conv_dw_${id}`);
    x = apply(tf.layers.conv2d({
      filters: Math.trunc(filters * alpha), kernelSize: 1, padding: 'same', useBias: false, name: `conv_pw_${id}`, ...initOverrides(opts),
    }), x);
    x = bnRelu(x, `conv_pw_${id}`);
  });
  return tf.model({ inputs: input, outputs: x, name: `mobilenet_${alpha}` });
}
