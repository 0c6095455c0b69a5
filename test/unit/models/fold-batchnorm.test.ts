import * as tf from '@tensorflow/tfjs-node';
import { buildBase, foldBatchNorm } from '../../../lib/models';
import { ReLU } from '../../../lib/models/bases/relu-layer';
import { nativeConvWithBias } from '../../../lib/models/native-ops';

jest.setTimeout(120_000);

type Sym = tf.SymbolicTensor;

/** Non-trivial BN statistics, so a wrong fold shows: the defaults (0, 1, 1, 0) hide most mistakes. */
function randomizeBatchNorm(model: tf.LayersModel, seed: number): void {
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const values = layer.getWeights().map((w, i) => tf.tidy(() => {
      const isVariance = i === layer.getWeights().length - 1;
      const r = tf.randomUniform(w.shape, 0, 1, 'float32', seed++);
      return isVariance ? tf.add(tf.mul(r, 2), 0.1) : tf.sub(tf.mul(r, 2), 1);
    }));
    layer.setWeights(values);
    tf.dispose(values);
  }
}

function bnCount(model: tf.LayersModel): number {
  return model.layers.filter((l) => l.getClassName() === 'BatchNormalization').length;
}

/** Largest |a − b| over the largest |a|: the difference at the scale of the activations. */
function relativeDiff(original: tf.LayersModel, folded: tf.LayersModel, x: tf.Tensor): number {
  return tf.tidy(() => {
    const a = original.apply(x, { training: false }) as tf.Tensor;
    const b = folded.apply(x, { training: false }) as tf.Tensor;
    expect(b.shape).toEqual(a.shape);
    const diff = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;
    const scale = tf.max(tf.abs(a)).dataSync()[0]!;
    return diff / Math.max(scale, 1e-6);
  });
}

/** conv(+bias)→BN→ReLU6, depthwise→BN (center/scale off), a residual Add, and three BNs that must stay. */
function smallModel(): tf.LayersModel {
  const input = tf.input({ shape: [9, 9, 3] });
  const apply = (layer: tf.layers.Layer, x: Sym | Sym[]): Sym => layer.apply(x) as Sym;
  let x = apply(tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: true, name: 'c1' }), input);
  x = apply(tf.layers.batchNormalization({ name: 'c1_bn' }), x);
  x = apply(new ReLU({ maxValue: 6, name: 'c1_relu' }), x);
  const skip = x;
  let y = apply(tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', useBias: false, name: 'dw' }), x);
  y = apply(tf.layers.batchNormalization({ center: false, name: 'dw_bn' }), y);
  y = apply(tf.layers.conv2d({ filters: 8, kernelSize: 1, useBias: false, name: 'proj' }), y);
  y = apply(tf.layers.batchNormalization({ scale: false, name: 'proj_bn' }), y);
  x = apply(tf.layers.add({ name: 'add' }), [skip, y]);
  // Kept: the conv's raw output also feeds another layer.
  const shared = apply(tf.layers.conv2d({ filters: 8, kernelSize: 1, name: 'shared' }), x);
  const kept1 = apply(tf.layers.batchNormalization({ name: 'shared_bn' }), shared);
  x = apply(tf.layers.add({ name: 'add2' }), [kept1, shared]);
  // Kept: a non-linear conv.
  x = apply(tf.layers.conv2d({ filters: 4, kernelSize: 1, activation: 'relu', name: 'relu_conv' }), x);
  x = apply(tf.layers.batchNormalization({ name: 'relu_conv_bn' }), x);
  x = apply(tf.layers.flatten({ name: 'flat' }), x);
  // Kept: BN after a Dense.
  x = apply(tf.layers.dense({ units: 5, name: 'fc' }), x);
  x = apply(tf.layers.batchNormalization({ name: 'fc_bn' }), x);
  return tf.model({ inputs: input, outputs: x, name: 'small' });
}

describe('foldBatchNorm', () => {
  it('folds conv→BN and depthwise→BN (with or without bias, center or scale) and keeps the rest; outputs unchanged', () => {
    const model = smallModel();
    randomizeBatchNorm(model, 1);
    const trainable = model.trainableWeights.length;
    const folded = foldBatchNorm(model);
    const x = tf.randomNormal([4, 9, 9, 3], 0, 1, 'float32', 7);
    try {
      expect(relativeDiff(model, folded, x)).toBeLessThan(1e-4);
      const kept = folded.layers.filter((l) => l.getClassName() === 'BatchNormalization').map((l) => l.name).sort();
      expect(kept).toEqual(['fc_bn', 'relu_conv_bn', 'shared_bn']);
      expect(folded.layers.length).toBe(model.layers.length - 3);
      // Unfolded layers are the same objects; folded convs are new, with a bias.
      expect(folded.getLayer('fc')).toBe(model.getLayer('fc'));
      expect(folded.getLayer('proj')).not.toBe(model.getLayer('proj'));
      expect(folded.getLayer('proj').getWeights()).toHaveLength(2);
      // The original's trainability is its own: folding leaves it as it was.
      expect(model.trainableWeights.length).toBe(trainable);
    } finally {
      x.dispose();
      folded.dispose();
      model.dispose();
    }
  });

  it('leaves the original usable after the folded model is disposed, and the folded one after the original is', () => {
    const model = smallModel();
    const x = tf.randomNormal([2, 9, 9, 3], 0, 1, 'float32', 3);
    const before = (model.apply(x, { training: false }) as tf.Tensor);
    foldBatchNorm(model).dispose();
    const again = model.apply(x, { training: false }) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(before, again))).dataSync()[0]).toBe(0);
    const folded = foldBatchNorm(model);
    model.dispose();
    const fromFolded = folded.apply(x, { training: false }) as tf.Tensor;
    expect(fromFolded.shape).toEqual(before.shape);
    folded.dispose();
    tf.dispose([x, before, again, fromFolded]);
  });

  it('frees what it allocates: folding and disposing both models leaves no tensors behind', () => {
    const start = tf.memory().numTensors;
    const model = smallModel();
    const folded = foldBatchNorm(model);
    model.dispose();
    folded.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('small-cnn: all three BNs folded, same features', async () => {
    const base = await buildBase({ architecture: 'small-cnn', inputShape: [28, 28, 1] }, 'transfer');
    randomizeBatchNorm(base, 11);
    const folded = foldBatchNorm(base);
    const x = tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', 5);
    try {
      expect(bnCount(base)).toBe(3);
      expect(bnCount(folded)).toBe(0);
      expect(folded.layers.length).toBe(base.layers.length - 3);
      expect(relativeDiff(base, folded, x)).toBeLessThan(1e-4);
    } finally {
      x.dispose();
      folded.dispose();
      base.dispose();
    }
  });

  it('takes the native conv-with-bias path on x86 tfjs-node (else folding saves nothing)', () => {
    if (process.arch === 'x64') expect(nativeConvWithBias()).toBe(true);
  });

  it('EfficientNet-Lite0 with its ImageNet weights: every BN folded, same features', async () => {
    const base = await buildBase({ architecture: 'efficientnet-lite0', weights: 'imagenet', inputShape: [28, 28, 1], inputSize: 32 }, 'transfer');
    const folded = foldBatchNorm(base);
    const x = tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', 9);
    try {
      const bns = bnCount(base);
      expect(bns).toBe(49);
      expect(bnCount(folded)).toBe(0);
      expect(folded.layers.length).toBe(base.layers.length - bns);
      expect(relativeDiff(base, folded, x)).toBeLessThan(1e-4);
    } finally {
      x.dispose();
      folded.dispose();
      base.dispose();
    }
  });
});
