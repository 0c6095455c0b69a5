import type { KerasLayer } from './keras-graph';

/**
 * The Keras layers Graft imports, each as the tfjs layer that computes the
 * same thing: its config in the Keras 2 form tfjs deserializes, or why this
 * instance cannot be imported (an option tfjs lacks). Weights keep Keras's
 * order and layout in every one of them.
 */
export type Translation =
  | { readonly ok: true; readonly className: string; readonly config: Record<string, unknown> }
  | { readonly ok: false; readonly reason: string };

type Config = Readonly<Record<string, unknown>>;
type Translate = (c: Config, layer: KerasLayer) => Translation;

/** Keras activations whose tfjs namesake computes the same function. */
const ACTIVATIONS: Readonly<Record<string, string>> = {
  linear: 'linear', relu: 'relu', relu6: 'relu6', sigmoid: 'sigmoid', softmax: 'softmax', tanh: 'tanh',
  elu: 'elu', selu: 'selu', softplus: 'softplus', softsign: 'softsign', swish: 'swish', silu: 'swish',
};

const ok = (className: string, config: Record<string, unknown>): Translation => ({ ok: true, className, config });
const no = (reason: string): Translation => ({ ok: false, reason });

/** The common part of every layer's config: name, trainable. */
const base = (c: Config) => ({ name: c.name, trainable: c.trainable ?? true, dtype: 'float32' });

function activation(c: Config): string | Translation {
  const a = c.activation ?? 'linear';
  // Keras writes a built-in activation as its name, or as {class_name: 'function', config: '<name>'}.
  const name = typeof a === 'string' ? a
    : typeof a === 'object' && a !== null ? ((a as Config).class_name === 'function' ? (a as Config).config : (a as Config).class_name) : undefined;
  if (typeof name !== 'string') return no(`activation ${JSON.stringify(a)}`);
  const mapped = ACTIVATIONS[name];
  return mapped ?? no(`activation '${name}' (Graft imports ${Object.keys(ACTIVATIONS).join(', ')})`);
}

/** Checks that hold for every image layer: channels last, no grouped convolution, no LoRA weights. */
function imageChecks(c: Config): Translation | undefined {
  if (c.data_format != null && c.data_format !== 'channels_last') return no(`data_format ${String(c.data_format)} (only channels_last)`);
  if (c.groups != null && c.groups !== 1) return no(`groups=${String(c.groups)}`);
  if (c.lora_rank != null) return no('LoRA (lora_rank)');
  return undefined;
}

/** Translates a layer whose only concern is an activation and image checks. */
function withActivation(className: string, pick: (c: Config) => Record<string, unknown>): Translate {
  return (c) => {
    const failed = imageChecks(c);
    if (failed) return failed;
    const act = activation(c);
    if (typeof act !== 'string') return act;
    return ok(className, { ...base(c), ...pick(c), activation: act });
  };
}

const conv = (c: Config) => ({ kernel_size: c.kernel_size, strides: c.strides, padding: c.padding, dilation_rate: c.dilation_rate ?? 1, use_bias: c.use_bias ?? true });

function imageLayer(className: string, pick: (c: Config) => Record<string, unknown>): Translate {
  return (c) => imageChecks(c) ?? ok(className, { ...base(c), ...pick(c), data_format: 'channels_last' });
}

function globalPooling(className: string): Translate {
  return (c) => (c.keepdims === true ? no('keepdims=True') : imageChecks(c) ?? ok(className, { ...base(c), data_format: 'channels_last' }));
}

const lastAxis = (axis: unknown): boolean => axis === -1 || axis === 3 || (Array.isArray(axis) && axis.length === 1 && lastAxis(axis[0]));

export const LAYER_TABLE: Readonly<Record<string, Translate>> = {
  InputLayer: (c) => {
    const shape = c.batch_shape ?? c.batch_input_shape;
    if (!Array.isArray(shape)) return no('no batch_shape');
    return ok('InputLayer', { name: c.name, batch_input_shape: shape, dtype: 'float32', sparse: false });
  },
  Conv2D: withActivation('Conv2D', (c) => ({ ...conv(c), filters: c.filters })),
  DepthwiseConv2D: withActivation('DepthwiseConv2D', (c) => ({ ...conv(c), depth_multiplier: c.depth_multiplier ?? 1 })),
  SeparableConv2D: withActivation('SeparableConv2D', (c) => ({ ...conv(c), filters: c.filters, depth_multiplier: c.depth_multiplier ?? 1 })),
  Dense: (c) => {
    if (c.lora_rank != null) return no('LoRA (lora_rank)');
    const act = activation(c);
    return typeof act !== 'string' ? act : ok('Dense', { ...base(c), units: c.units, use_bias: c.use_bias ?? true, activation: act });
  },
  BatchNormalization: (c) => {
    if (!lastAxis(c.axis ?? -1)) return no(`axis ${JSON.stringify(c.axis)} (only the last axis)`);
    if (c.renorm === true || c.synchronized === true) return no('renorm/synchronized');
    return ok('BatchNormalization', { ...base(c), axis: -1, momentum: c.momentum ?? 0.99, epsilon: c.epsilon ?? 1e-3, center: c.center ?? true, scale: c.scale ?? true });
  },
  ReLU: (c) => {
    if ((c.negative_slope ?? 0) !== 0 || (c.threshold ?? 0) !== 0) return no('negative_slope/threshold other than 0');
    return ok('ReLU', { ...base(c), max_value: c.max_value ?? null });
  },
  Activation: (c) => {
    const act = activation(c);
    return typeof act !== 'string' ? act : ok('Activation', { ...base(c), activation: act });
  },
  Rescaling: (c) => (typeof c.scale === 'number' && typeof (c.offset ?? 0) === 'number'
    ? ok('Rescaling', { ...base(c), scale: c.scale, offset: c.offset ?? 0 })
    : no('per-channel scale/offset')),
  Normalization: (c, layer) => {
    if (c.invert === true) return no('invert=True');
    if (!lastAxis(c.axis ?? -1)) return no(`axis ${JSON.stringify(c.axis)} (only the last axis)`);
    const mean = flatNumbers(c.mean);
    const variance = flatNumbers(c.variance);
    const shape = layer.buildInputShape;
    const channels = mean?.length ?? (Array.isArray(shape) ? Number(shape[shape.length - 1]) : NaN);
    if (!Number.isInteger(channels)) return no('no channel count');
    if (mean && mean.length === 1 && channels !== 1) return no('a scalar mean');
    return ok('Normalization', { ...base(c), mean: mean ?? null, variance: variance ?? null, channels });
  },
  Resizing: (c) => (c.crop_to_aspect_ratio === true || !['bilinear', 'nearest'].includes(String(c.interpolation ?? 'bilinear'))
    ? no('crop_to_aspect_ratio or an interpolation other than bilinear/nearest')
    : ok('Resizing', { ...base(c), height: c.height, width: c.width, interpolation: c.interpolation ?? 'bilinear' })),
  ZeroPadding2D: imageLayer('ZeroPadding2D', (c) => ({ padding: c.padding })),
  MaxPooling2D: imageLayer('MaxPooling2D', (c) => ({ pool_size: c.pool_size, strides: c.strides ?? c.pool_size, padding: c.padding ?? 'valid' })),
  AveragePooling2D: imageLayer('AveragePooling2D', (c) => ({ pool_size: c.pool_size, strides: c.strides ?? c.pool_size, padding: c.padding ?? 'valid' })),
  GlobalAveragePooling2D: globalPooling('GlobalAveragePooling2D'),
  GlobalMaxPooling2D: globalPooling('GlobalMaxPooling2D'),
  Dropout: (c) => (c.noise_shape != null ? no('noise_shape') : ok('Dropout', { ...base(c), rate: c.rate })),
  Flatten: imageLayer('Flatten', () => ({})),
  Add: (c) => ok('Add', base(c)),
  Multiply: (c) => ok('Multiply', base(c)),
  Concatenate: (c) => ok('Concatenate', { ...base(c), axis: c.axis ?? -1 }),
  Reshape: (c) => ok('Reshape', { ...base(c), target_shape: c.target_shape }),
};

/** The classes Graft imports, for messages. */
export const SUPPORTED_CLASSES: readonly string[] = Object.keys(LAYER_TABLE).filter((c) => c !== 'InputLayer');

/** A layer as tfjs takes it, or why it cannot be. */
export function translateLayer(layer: KerasLayer): Translation {
  const translate = LAYER_TABLE[layer.className];
  if (translate === undefined) return no('its class is not one Graft imports');
  return translate(layer.config, layer);
}

function flatNumbers(value: unknown): number[] | undefined {
  if (value == null) return undefined;
  const flat = (Array.isArray(value) ? value.flat(Infinity) : [value]) as unknown[];
  return flat.every((v) => typeof v === 'number') ? (flat as number[]) : undefined;
}
