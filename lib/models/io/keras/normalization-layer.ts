import * as tf from '@tensorflow/tfjs-node';

interface NormalizationArgs {
  /** Per-channel mean and variance; without them they are weights (`mean`, `variance`, `count`, as Keras adapts them). */
  readonly mean?: readonly number[] | null;
  readonly variance?: readonly number[] | null;
  readonly channels: number;
  readonly name?: string;
  readonly trainable?: boolean;
}

// Keras's backend.epsilon(): the floor of the standard deviation.
const EPSILON = 1e-7;

/**
 * Keras's `Normalization` layer on the last axis, which tfjs lacks:
 * (x − mean) / max(√variance, 1e-7). Registered under Keras's class name so
 * imported models save and load with it.
 */
export class Normalization extends tf.layers.Layer {
  static className = 'Normalization';
  private readonly fixedMean: readonly number[] | null;
  private readonly fixedVariance: readonly number[] | null;
  private readonly channels: number;
  private meanWeight?: tf.LayerVariable;
  private varianceWeight?: tf.LayerVariable;

  constructor(args: NormalizationArgs) {
    super({ ...(args.name ? { name: args.name } : {}), trainable: args.trainable ?? true });
    this.fixedMean = args.mean ?? null;
    this.fixedVariance = args.variance ?? null;
    this.channels = args.channels;
    if ((this.fixedMean === null) !== (this.fixedVariance === null)) throw new Error('Normalization: mean and variance go together');
  }

  override build(): void {
    if (this.fixedMean === null) {
      const c = [this.channels];
      this.meanWeight = this.addWeight('mean', c, 'float32', tf.initializers.zeros(), undefined, false);
      this.varianceWeight = this.addWeight('variance', c, 'float32', tf.initializers.ones(), undefined, false);
      this.addWeight('count', [], 'float32', tf.initializers.zeros(), undefined, false);
    }
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const mean = this.meanWeight ? this.meanWeight.read() : tf.tensor1d([...this.fixedMean!]);
      const variance = this.varianceWeight ? this.varianceWeight.read() : tf.tensor1d([...this.fixedVariance!]);
      return tf.div(tf.sub(x, mean), tf.maximum(tf.sqrt(variance), EPSILON));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), mean: this.fixedMean ? [...this.fixedMean] : null, variance: this.fixedVariance ? [...this.fixedVariance] : null, channels: this.channels };
  }
}

tf.serialization.registerClass(Normalization);
