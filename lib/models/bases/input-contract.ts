import * as tf from '@tensorflow/tfjs-node';
import { ModelError } from '../../errors';
import { Resizing } from './resizing-layer';

/**
 * What a base's weights expect of an image: its size, its channels and the
 * normalization they were trained with, x = (u8 − mean) / std. It travels
 * with the base as the model's first layers, so every path that feeds the
 * base (extract, fine-tune, evaluate, predict, classify) applies the same one.
 */
export interface InputContract {
  /** [height, width] the network runs at. */
  readonly size: readonly [number, number];
  readonly channels: 1 | 3;
  readonly mean: number;
  readonly std: number;
}

/**
 * The contract as layers on an input of pixels scaled to [0, 1] (what Graft's
 * stages feed): `gray_to_rgb` (the one channel three times) for a gray input
 * to a colour network, `resize` (bilinear with half-pixel centres, as Keras's
 * Resizing layer) when the size differs, then `normalize`. Gray → RGB comes
 * first: the copy is made at the images' own size, not the network's (a
 * 28 px image copied before a 224 px resize: half the contract's time), and
 * the resize treats each channel alike, so the values are the same bit for
 * bit as resizing first. Models saved with the other order load unchanged.
 */
export function applyInputContract(input: tf.SymbolicTensor, contract: InputContract): tf.SymbolicTensor {
  const [, h, w, c] = input.shape;
  let x = input;
  if (c === 1 && contract.channels === 3) {
    x = tf.layers.concatenate({ axis: -1, name: 'gray_to_rgb' }).apply([x, x, x]) as tf.SymbolicTensor;
  } else if (c !== contract.channels) {
    throw new ModelError(`input contract: cannot feed ${String(c)}-channel images to a ${contract.channels}-channel network`);
  }
  const [height, width] = contract.size;
  if (h !== height || w !== width) {
    x = new Resizing({ height, width, interpolation: 'bilinear', name: 'resize' }).apply(x) as tf.SymbolicTensor;
  }
  // Pixels arrive as u8 / 255: (u8 − mean) / std = p · 255 / std − mean / std.
  return tf.layers.rescaling({ scale: 255 / contract.std, offset: -contract.mean / contract.std, name: 'normalize' }).apply(x) as tf.SymbolicTensor;
}
