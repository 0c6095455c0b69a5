import { ModelError } from '../../../errors';

/**
 * A tfjs layers topology (what `model.toJSON(null, false)` gives: Keras 2
 * form, snake_case configs) as the `config.json` of a Keras 3 archive. Each
 * layer's config is rebuilt from the fields Keras 3 takes, class by class,
 * so nothing tfjs-specific (its initializer spellings, say) reaches Keras;
 * the weights are loaded from the archive, so initializers are left at
 * Keras's defaults. Calls keep the list form of inbound nodes, which Keras 3
 * reads as it reads Keras 2 models.
 */
type Config = Readonly<Record<string, unknown>>;
type Pick = (c: Config) => Record<string, unknown>;

const image = { data_format: 'channels_last' };
const conv = (c: Config) => ({
  ...image, kernel_size: c.kernel_size, strides: c.strides, padding: c.padding, dilation_rate: c.dilation_rate ?? [1, 1],
  activation: c.activation ?? 'linear', use_bias: c.use_bias ?? true,
});
const pool = (c: Config) => ({ ...image, pool_size: c.pool_size, strides: c.strides, padding: c.padding });

/** tfjs class → the Keras 3 config fields of that layer. */
const EXPORTS: Readonly<Record<string, Pick>> = {
  Conv2D: (c) => ({ ...conv(c), filters: c.filters, groups: 1 }),
  DepthwiseConv2D: (c) => ({ ...conv(c), depth_multiplier: c.depth_multiplier ?? 1 }),
  SeparableConv2D: (c) => ({ ...conv(c), filters: c.filters, depth_multiplier: c.depth_multiplier ?? 1 }),
  Dense: (c) => ({ units: c.units, activation: c.activation ?? 'linear', use_bias: c.use_bias ?? true }),
  BatchNormalization: (c) => ({ axis: c.axis ?? -1, momentum: c.momentum, epsilon: c.epsilon, center: c.center ?? true, scale: c.scale ?? true }),
  ReLU: (c) => ({ max_value: c.max_value ?? null, negative_slope: 0, threshold: 0 }),
  Activation: (c) => ({ activation: c.activation }),
  Rescaling: (c) => ({ scale: c.scale, offset: c.offset ?? 0 }),
  Normalization: (c) => ({ axis: -1, invert: false, mean: c.mean ?? null, variance: c.variance ?? null }),
  Resizing: (c) => ({ ...image, height: c.height, width: c.width, interpolation: c.interpolation ?? 'bilinear', crop_to_aspect_ratio: false }),
  ZeroPadding2D: (c) => ({ ...image, padding: c.padding }),
  MaxPooling2D: pool,
  AveragePooling2D: pool,
  GlobalAveragePooling2D: () => ({ ...image, keepdims: false }),
  GlobalMaxPooling2D: () => ({ ...image, keepdims: false }),
  Dropout: (c) => ({ rate: c.rate, seed: null, noise_shape: null }),
  Flatten: () => image,
  Add: () => ({}),
  Multiply: () => ({}),
  Concatenate: (c) => ({ axis: c.axis ?? -1 }),
  Reshape: (c) => ({ target_shape: c.target_shape }),
};

/** The layer classes Graft exports to Keras. */
export const EXPORTED_CLASSES: readonly string[] = Object.keys(EXPORTS);

/** The Keras 3 `config.json` of a functional model given as a tfjs topology. */
export function kerasModelConfig(topology: Config, description: string): Record<string, unknown> {
  const config = topology.config as Config | undefined;
  const layers = config?.layers;
  if (!Array.isArray(layers)) throw new ModelError(`${description}: not a functional layers model`);
  const cannot: string[] = [];
  const out = (layers as Config[]).map((layer) => {
    const className = String(layer.class_name);
    const c = layer.config as Config;
    const name = String(layer.name ?? c.name);
    if (className === 'InputLayer') {
      return {
        module: 'keras.layers', class_name: 'InputLayer', registered_name: null, name,
        config: { batch_shape: c.batch_input_shape, dtype: 'float32', sparse: false, name }, inbound_nodes: [],
      };
    }
    const pick = EXPORTS[className];
    if (pick === undefined) {
      cannot.push(`layer '${name}' (${className})`);
      return undefined;
    }
    return {
      module: 'keras.layers', class_name: className, registered_name: null, name,
      config: { name, trainable: c.trainable ?? true, dtype: 'float32', ...pick(c) },
      inbound_nodes: layer.inbound_nodes,
    };
  });
  if (cannot.length > 0) {
    throw new ModelError(`${description}: cannot export ${cannot.join(', ')} to Keras; Graft exports ${EXPORTED_CLASSES.join(', ')}`);
  }
  return {
    module: 'keras.src.models.functional', class_name: 'Functional', registered_name: 'Functional',
    config: { name: config!.name ?? 'model', trainable: true, layers: out, input_layers: config!.input_layers, output_layers: config!.output_layers },
  };
}

/**
 * The name Keras 3 files a layer's weights under in `model.weights.h5`:
 * `layers/<snake_case class name>`, `_1`, `_2` … for repeats, counted in the
 * model's layer order (keras/src/saving/saving_lib.py, naming.to_snake_case).
 */
export function kerasWeightPaths(classNames: readonly string[]): string[] {
  const used = new Map<string, number>();
  return classNames.map((className) => {
    const base = toSnakeCase(className);
    const n = used.get(base);
    used.set(base, n === undefined ? 0 : n + 1);
    return `layers/${n === undefined ? base : `${base}_${n + 1}`}`;
  });
}

function toSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}
