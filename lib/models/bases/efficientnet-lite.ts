import * as tf from '@tensorflow/tfjs-node';
import { ModelError } from '../../errors';
import { applyInputContract, type InputContract } from './input-contract';
import { checkInputShape, initOverrides, type ArchitectureOptions } from './input-shape';
import { ReLU } from './relu-layer';

export const EFFICIENTNET_LITE = ['efficientnet-lite0', 'efficientnet-lite1', 'efficientnet-lite2'] as const;
export type EfficientNetLite = (typeof EFFICIENTNET_LITE)[number];

export function isEfficientNetLite(name: string): name is EfficientNetLite {
  return (EFFICIENTNET_LITE as readonly string[]).includes(name);
}

/** Width and depth multipliers and the input side each variant was trained at. */
const SCALING: Record<EfficientNetLite, { width: number; depth: number; size: number }> = {
  'efficientnet-lite0': { width: 1.0, depth: 1.0, size: 224 },
  'efficientnet-lite1': { width: 1.0, depth: 1.1, size: 240 },
  'efficientnet-lite2': { width: 1.1, depth: 1.2, size: 260 },
};

/** The EfficientNet-B0 stages: MBConv kernel, stride of the stage's first block, expansion, output filters, repeats. */
const STAGES = [
  { kernel: 3, stride: 1, expand: 1, filters: 16, repeats: 1 },
  { kernel: 3, stride: 2, expand: 6, filters: 24, repeats: 2 },
  { kernel: 5, stride: 2, expand: 6, filters: 40, repeats: 2 },
  { kernel: 3, stride: 2, expand: 6, filters: 80, repeats: 3 },
  { kernel: 5, stride: 1, expand: 6, filters: 112, repeats: 3 },
  { kernel: 5, stride: 2, expand: 6, filters: 192, repeats: 4 },
  { kernel: 3, stride: 1, expand: 6, filters: 320, repeats: 1 },
] as const;

/** Lite keeps the stem and the head at B0's size, whatever the width multiplier. */
const STEM_FILTERS = 32;
const HEAD_FILTERS = 1280;
/** The TF builder's BatchNorm epsilon; PyTorch's 1e-5 moves the logits visibly. */
const BN_EPSILON = 1e-3;

/**
 * What the ImageNet weights expect: RGB at the variant's side, pixels mapped
 * by x = (u8 − 127) / 128 (the TF builder's MEAN_RGB = 127, STDDEV_RGB = 128).
 */
export function efficientNetLiteContract(variant: EfficientNetLite, side?: number): InputContract {
  const size = side ?? SCALING[variant].size;
  return { size: [size, size], channels: 3, mean: 127, std: 128 };
}

/** Filters scaled by the width multiplier, rounded to a multiple of 8 (never down by more than 10 %). */
export function roundFilters(filters: number, width: number): number {
  if (width === 1) return filters;
  const scaled = filters * width;
  let rounded = Math.max(8, Math.floor((scaled + 4) / 8) * 8);
  if (rounded < 0.9 * scaled) rounded += 8;
  return rounded;
}

/** Blocks per stage; Lite keeps the first and last stage at one block. */
export function stageRepeats(variant: EfficientNetLite): number[] {
  const { depth } = SCALING[variant];
  return STAGES.map((stage, i) => (i === 0 || i === STAGES.length - 1 ? stage.repeats : Math.ceil(depth * stage.repeats)));
}

type Sym = tf.SymbolicTensor;
const apply = (layer: tf.layers.Layer, x: Sym): Sym => layer.apply(x) as Sym;

function bn(x: Sym, name: string): Sym {
  return apply(tf.layers.batchNormalization({ axis: -1, epsilon: BN_EPSILON, name }), x);
}

// Graft's ReLU: one native op for ReLU6, where tfjs' runs three (relu-layer.ts).
function relu6(x: Sym, name: string): Sym {
  return apply(new ReLU({ maxValue: 6, name }), x);
}

function conv(x: Sym, filters: number, kernel: number, stride: number, name: string, opts: ArchitectureOptions): Sym {
  return apply(tf.layers.conv2d({
    filters, kernelSize: kernel, strides: stride, padding: 'same', useBias: false, name, ...initOverrides(opts),
  }), x);
}

export interface EfficientNetLiteOptions extends ArchitectureOptions {
  /** Side the network runs at; images of another size are resized in the model. Default: the variant's own. */
  readonly inputSize?: number;
  /** Append global average pooling and the 1000-class ImageNet classifier (`predictions`). */
  readonly includeTop?: boolean;
}

/**
 * EfficientNet-Lite0/1/2 (Tan & Le's EfficientNet with the edge changes: no
 * squeeze-excite, ReLU6, fixed stem and head), with Keras's layer names
 * (`stem_conv`, `block2a_expand_conv`, `block2a_dwconv`, …, `top_conv`,
 * `avg_pool`). The model takes `inputShape` pixels scaled to [0, 1], as every
 * Graft stage feeds them, and starts with the input contract's layers
 * (resize, gray → RGB, normalize), so no caller can feed it wrongly.
 * Without `includeTop` the output is the pooled 1280 features.
 */
export function efficientNetLite(
  variant: EfficientNetLite, inputShape: readonly number[], opts: EfficientNetLiteOptions = {},
): tf.LayersModel {
  const shape = checkInputShape(variant, inputShape, 1);
  const contract = efficientNetLiteContract(variant, opts.inputSize);
  if (contract.size[0] < 32) throw new ModelError(`${variant}: inputSize must be at least 32, got ${contract.size[0]}`);
  const { width } = SCALING[variant];
  const input = tf.input({ shape, name: 'input_1' });
  let x = applyInputContract(input, contract);
  x = relu6(bn(conv(x, STEM_FILTERS, 3, 2, 'stem_conv', opts), 'stem_bn'), 'stem_activation');

  let inFilters = STEM_FILTERS;
  const repeats = stageRepeats(variant);
  STAGES.forEach((stage, s) => {
    const outFilters = roundFilters(stage.filters, width);
    for (let r = 0; r < repeats[s]!; r++) {
      const name = `block${s + 1}${String.fromCharCode(97 + r)}`;
      const stride = r === 0 ? stage.stride : 1;
      const blockInput = x;
      if (stage.expand !== 1) {
        x = conv(x, inFilters * stage.expand, 1, 1, `${name}_expand_conv`, opts);
        x = relu6(bn(x, `${name}_expand_bn`), `${name}_expand_activation`);
      }
      x = apply(tf.layers.depthwiseConv2d({
        kernelSize: stage.kernel, strides: stride, padding: 'same', useBias: false, name: `${name}_dwconv`,
        ...initOverrides(opts, 'depthwiseInitializer'),
      }), x);
      x = relu6(bn(x, `${name}_bn`), `${name}_activation`);
      // The projection stays linear: a ReLU here would destroy information in the narrow layer.
      x = bn(conv(x, outFilters, 1, 1, `${name}_project_conv`, opts), `${name}_project_bn`);
      if (stride === 1 && inFilters === outFilters) x = tf.layers.add({ name: `${name}_add` }).apply([blockInput, x]) as Sym;
      inFilters = outFilters;
    }
  });
  x = relu6(bn(conv(x, HEAD_FILTERS, 1, 1, 'top_conv', opts), 'top_bn'), 'top_activation');
  x = apply(tf.layers.globalAveragePooling2d({ name: 'avg_pool' }), x);
  if (opts.includeTop) {
    x = apply(tf.layers.dense({ units: 1000, activation: 'softmax', name: 'predictions', ...initOverrides(opts) }), x);
  }
  return tf.model({ inputs: input, outputs: x, name: variant.replace(/-/g, '_') });
}
