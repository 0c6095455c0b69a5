import * as tf from '@tensorflow/tfjs-node';

interface ResizingArgs {
  readonly height: number;
  readonly width: number;
  readonly interpolation?: 'bilinear' | 'nearest';
  readonly cropToAspectRatio?: boolean;
  readonly name?: string;
}

/**
 * Keras's `Resizing` layer. tfjs 4.22 ships one whose output shape drops the
 * batch dimension (so no layer can follow it in a functional model) and
 * which resizes with aligned corners, unlike Keras. This one resizes as
 * Keras and TF2 do (half-pixel centres) and registers under the same class
 * name, so saved models still describe a Keras `Resizing` layer and load
 * with it wherever Graft's models are loaded (see io/load-save.ts).
 */
export class Resizing extends tf.layers.Layer {
  static className = 'Resizing';
  private readonly height: number;
  private readonly width: number;
  private readonly interpolation: 'bilinear' | 'nearest';

  constructor(args: ResizingArgs) {
    super(args.name ? { name: args.name } : {});
    if (args.cropToAspectRatio) throw new Error('Resizing: cropToAspectRatio is not supported');
    this.height = args.height;
    this.width = args.width;
    this.interpolation = args.interpolation ?? 'bilinear';
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [shape[0] ?? null, this.height, this.width, shape[3] ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const size: [number, number] = [this.height, this.width];
      return this.interpolation === 'nearest'
        ? tf.image.resizeNearestNeighbor(x, size, false, true)
        : tf.image.resizeBilinear(x, size, false, true);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), height: this.height, width: this.width, interpolation: this.interpolation, cropToAspectRatio: false };
  }
}

tf.serialization.registerClass(Resizing);
