import * as tf from '@tensorflow/tfjs-node';

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

type ReLUArgs = LayerArgs & {
  /** Upper bound of the output; null: none. */
  readonly maxValue?: number | null;
};

/**
 * Keras's `ReLU` layer (tfjs' config and class name). tfjs' own computes
 * relu and then clipByValue, a maximum and a minimum: three passes over the
 * activations where ReLU6, EfficientNet-Lite's and MobileNet's activation,
 * is one native op. The values are the same bit for bit; EfficientNet-Lite0
 * extraction runs ~1.5× as fast. Registered under the same class name, as
 * Resizing is, so every model deserialized in a process that imported this
 * file (features.ts does) gets it, and saved models still describe a Keras `ReLU`.
 */
export class ReLU extends tf.layers.Layer {
  static className = 'ReLU';
  private readonly maxValue: number | null;

  constructor(args: ReLUArgs = {}) {
    super(args);
    this.supportsMasking = true;
    this.maxValue = args.maxValue ?? null;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      if (this.maxValue === 6) return tf.relu6(x);
      const y = tf.relu(x);
      return this.maxValue === null ? y : tf.clipByValue(y, 0, this.maxValue);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { maxValue: this.maxValue, ...super.getConfig() };
  }
}

tf.serialization.registerClass(ReLU);
