import * as tf from '@tensorflow/tfjs-node';
import { ModelError } from '../../errors';
import { matMul2d } from '../native-ops';
import type { OptimizerName } from '../types';
import type { NamedTensor } from './checkpoint';
import type { TrainStep } from './steps';

/**
 * A model that is "fixed layers, then one Dense(softmax)": the replace head
 * without dropout. Its training step can be written by hand in a dozen
 * native ops instead of tfjs' layer, tape and optimizer machinery (~4 ms a
 * step on tfjs-node, which dispatches every op from JavaScript).
 */
export interface LinearSoftmaxHead {
  /** Layers before the Dense: no weights, deterministic (pooling, flatten, rate-0 dropout). */
  readonly prefix: readonly tf.layers.Layer[];
  readonly kernel: tf.LayerVariable;
  readonly bias: tf.LayerVariable | null;
}

/** Layers that may sit before the Dense: no weights, the same output in training and inference. */
const FIXED_LAYERS = new Set(['Flatten', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'GlobalAveragePooling1D', 'GlobalMaxPooling1D', 'Reshape']);

/** The model as a linear softmax head, or null when the fused step does not apply. */
export function linearSoftmaxHead(model: tf.LayersModel): LinearSoftmaxHead | null {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return null;
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const dense = layers[layers.length - 1];
  if (dense === undefined || dense.getClassName() !== 'Dense') return null;
  // A plain chain: each layer fed by the one before it.
  for (let i = 0; i < model.layers.length; i++) {
    const layer = model.layers[i]!;
    if (i === 0) {
      if (layer.getClassName() !== 'InputLayer') return null;
      continue;
    }
    const inbound = layer.inboundNodes;
    if (inbound.length !== 1 || inbound[0]!.inboundLayers.length !== 1 || inbound[0]!.inboundLayers[0] !== model.layers[i - 1]) return null;
  }
  const prefix = layers.slice(0, -1);
  const fixed = prefix.every((l) => l.weights.length === 0 && (FIXED_LAYERS.has(l.getClassName())
    || (l.getClassName() === 'Dropout' && (l.getConfig() as { rate?: unknown }).rate === 0)));
  if (!fixed) return null;
  const config = dense.getConfig() as Record<string, unknown>;
  if (config.activation !== 'softmax') return null;
  // Regularizers and constraints would need their own gradient terms.
  const extras = ['kernelRegularizer', 'biasRegularizer', 'activityRegularizer', 'kernelConstraint', 'biasConstraint'];
  if (extras.some((k) => config[k] != null)) return null;
  const [kernel, bias, ...rest] = dense.weights;
  if (kernel === undefined || rest.length > 0 || kernel.shape.length !== 2 || kernel.dtype !== 'float32') return null;
  const trainable = model.trainableWeights;
  const expected = bias === undefined ? [kernel] : [kernel, bias];
  if (trainable.length !== expected.length || trainable.some((w, i) => w !== expected[i])) return null;
  return { prefix, kernel, bias: bias ?? null };
}

export { labelsAreDistributions } from './rows';

/**
 * Gradient of the mean softmax cross-entropy over the batch with respect to
 * the packed parameters `p` ([features (+1 for the bias row), classes]),
 * given inputs `x` (with a ones column when `p` has a bias row):
 * d/dlogits = softmax − y, so d/dp = xᵀ(softmax − y) / batch. Also returns
 * the softmax. The caller disposes both.
 */
export function linearSoftmaxGradient(x: tf.Tensor2D, y: tf.Tensor2D, p: tf.Tensor2D): { grad: tf.Tensor2D; probs: tf.Tensor2D } {
  return tf.tidy(() => {
    const probs = tf.softmax(matMul2d(x, p)) as tf.Tensor2D;
    const grad = tf.div(matMul2d(x, tf.sub(probs, y) as tf.Tensor2D, true, false), x.shape[0]) as tf.Tensor2D;
    return { grad, probs };
  });
}

const BETA1 = 0.9;
const BETA2 = 0.999;

/**
 * The fused step for a linear softmax head: forward, hand-derived gradient
 * and the optimizer update (Adam as tfjs' `tf.train.adam`, or SGD) in ~16
 * native ops, without tidy scopes (intermediates are freed one by one). The
 * kernel and bias are trained as one packed tensor; `syncModel` writes them
 * back into the model's variables. The loss is the same cross-entropy; where
 * the general step's clipped probabilities (p < 1e-7) zero a confidently
 * wrong row's gradient, this one keeps it, as Keras does from the logits.
 */
export class LinearSoftmaxStep implements TrainStep {
  private readonly features: number;
  private readonly classes: number;
  private p: tf.Tensor2D;
  private m: tf.Tensor2D | null = null;
  private v: tf.Tensor2D | null = null;
  private t = 0;
  private readonly beta1: tf.Scalar;
  private readonly beta2: tf.Scalar;
  /** Per-batch-size coefficients of Adam: (1−β1)/B and (1−β2)/B². */
  private readonly coefficients = new Map<number, tf.Scalar[]>();

  constructor(
    private readonly head: LinearSoftmaxHead,
    private readonly optimizer: OptimizerName, private learningRate: number,
  ) {
    if (optimizer !== 'adam' && optimizer !== 'sgd') throw new ModelError(`the fused step supports adam and sgd, not ${optimizer}`);
    [this.features, this.classes] = head.kernel.shape as [number, number];
    this.p = tf.tidy(() => (head.bias === null ? head.kernel.read().clone()
      : tf.concat([head.kernel.read(), head.bias.read().reshape([1, this.classes])], 0))) as tf.Tensor2D;
    this.beta1 = tf.scalar(BETA1);
    this.beta2 = tf.scalar(BETA2);
  }

  /** The fixed layers (pooling, flatten), then a ones column that carries the bias through the kernel's matMul. */
  prepare(rows: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const x = this.head.prefix.reduce((t, l) => l.apply(t, { training: false }) as tf.Tensor, rows);
      if (x.rank !== 2 || x.shape[1] !== this.features) {
        throw new ModelError(`fused step: features [${x.shape.join(', ')}] do not fit the kernel [${this.head.kernel.shape.join(', ')}]`);
      }
      return this.head.bias === null ? x.clone() : tf.concat([x, tf.ones([x.shape[0]!, 1])], 1);
    });
  }

  step(x: tf.Tensor, y: tf.Tensor, weights: tf.Tensor | null): tf.Tensor {
    const batch = x.shape[0]!;
    const logits = matMul2d(x as tf.Tensor2D, this.p);
    const probs = tf.softmax(logits);
    logits.dispose();
    // A weighted row's loss is w·CE, so its gradient is w·(softmax − y).
    const residual = tf.sub(probs, y);
    let delta = residual;
    if (weights !== null) {
      const column = tf.reshape(weights, [batch, 1]);
      delta = tf.mul(residual, column);
      tf.dispose([residual, column]);
    }
    // batch × the gradient of the mean loss; the 1/batch goes into the coefficients.
    const g = matMul2d(x as tf.Tensor2D, delta as tf.Tensor2D, true, false);
    delta.dispose();
    this.t++;
    let update: tf.Tensor;
    if (this.optimizer === 'sgd') {
      const rate = tf.scalar(this.learningRate / batch);
      update = tf.mul(g, rate);
      rate.dispose();
    } else {
      const coef = this.coefficientsFor(batch);
      const m = this.m ?? tf.zerosLike(this.p);
      const v = this.v ?? tf.zerosLike(this.p);
      const m1 = axpby(m, this.beta1, g, coef[0]!);
      const g2 = tf.square(g);
      const v1 = axpby(v, this.beta2, g2, coef[1]!);
      tf.dispose([m, v, g2]);
      this.m = m1 as tf.Tensor2D;
      this.v = v1 as tf.Tensor2D;
      // tfjs' lr·m̂/(√v̂ + ε), with the bias corrections folded into two scalars.
      const c2 = Math.sqrt(1 - BETA2 ** this.t);
      const alpha = tf.scalar(this.learningRate * c2 / (1 - BETA1 ** this.t));
      const eps = tf.scalar(tf.backend().epsilon() * c2);
      const root = tf.sqrt(v1);
      const denom = tf.add(root, eps);
      const ratio = tf.div(m1, denom);
      update = tf.mul(ratio, alpha);
      tf.dispose([alpha, eps, root, denom, ratio]);
    }
    g.dispose();
    const p1 = tf.sub(this.p, update);
    update.dispose();
    this.p.dispose();
    this.p = p1 as tf.Tensor2D;
    return probs;
  }

  setLearningRate(learningRate: number): void {
    this.learningRate = learningRate;
  }

  /** One group: the head is all there is. */
  activateGroups(): void {}

  syncModel(): void {
    tf.tidy(() => {
      this.head.kernel.write(this.p.slice([0, 0], [this.features, this.classes]));
      this.head.bias?.write(this.p.slice([this.features, 0], [1, this.classes]).reshape([this.classes]));
    });
  }

  /** `optimizer.getWeights()` order and names: the iteration count, then every m, then every v. */
  async optimizerWeights(): Promise<NamedTensor[]> {
    const iter: NamedTensor = { name: 'iter', tensor: tf.scalar(this.t, 'int32') };
    if (this.optimizer === 'sgd' || this.m === null || this.v === null) return [iter];
    const [m, v] = [this.m, this.v];
    const names = this.variableNames();
    return [iter, ...this.unpack(m).map((tensor, i) => ({ name: `${names[i]}/m`, tensor })),
      ...this.unpack(v).map((tensor, i) => ({ name: `${names[i]}/v`, tensor }))];
  }

  async restoreOptimizer(weights: readonly NamedTensor[]): Promise<void> {
    const [iter, ...slots] = weights;
    if (iter === undefined) throw new ModelError('checkpoint has no optimizer iteration count');
    this.t = (await iter.tensor.data())[0]!;
    if (this.optimizer === 'sgd' || slots.length === 0) return;
    const k = this.head.bias === null ? 1 : 2;
    const expected = this.head.bias === null ? [[this.features, this.classes]] : [[this.features, this.classes], [this.classes]];
    const fits = slots.length === 2 * k && slots.every((s, i) => tf.util.arraysEqual(s.tensor.shape, expected[i % k]!));
    if (!fits) throw new ModelError(`checkpoint optimizer state [${slots.map((s) => `[${s.tensor.shape.join(', ')}]`).join(', ')}] does not fit the head`);
    tf.dispose([this.m, this.v].filter((t): t is tf.Tensor2D => t !== null));
    this.m = this.pack(slots.slice(0, k).map((s) => s.tensor));
    this.v = this.pack(slots.slice(k).map((s) => s.tensor));
  }

  dispose(): void {
    tf.dispose([this.p, this.beta1, this.beta2, ...[this.m, this.v].filter((t): t is tf.Tensor2D => t !== null)]);
    for (const c of this.coefficients.values()) tf.dispose(c);
    this.coefficients.clear();
  }

  private coefficientsFor(batch: number): tf.Scalar[] {
    let c = this.coefficients.get(batch);
    if (c === undefined) {
      c = [tf.scalar((1 - BETA1) / batch), tf.scalar((1 - BETA2) / (batch * batch))];
      this.coefficients.set(batch, c);
    }
    return c;
  }

  private variableNames(): string[] {
    const vars = this.head.bias === null ? [this.head.kernel] : [this.head.kernel, this.head.bias];
    return vars.map((w) => (w.read() as tf.Variable).name);
  }

  private unpack(packed: tf.Tensor2D): tf.Tensor[] {
    if (this.head.bias === null) return [packed.clone()];
    return tf.tidy(() => [packed.slice([0, 0], [this.features, this.classes]),
      packed.slice([this.features, 0], [1, this.classes]).reshape([this.classes])]);
  }

  private pack(parts: readonly tf.Tensor[]): tf.Tensor2D {
    return tf.tidy(() => (parts.length === 1 ? parts[0]!.clone()
      : tf.concat([parts[0]!, parts[1]!.reshape([1, this.classes])], 0))) as tf.Tensor2D;
  }
}

/** a·α + b·β, freeing the two products. */
function axpby(a: tf.Tensor, alpha: tf.Scalar, b: tf.Tensor, beta: tf.Scalar): tf.Tensor {
  const left = tf.mul(a, alpha);
  const right = tf.mul(b, beta);
  const sum = tf.add(left, right);
  tf.dispose([left, right]);
  return sum;
}
