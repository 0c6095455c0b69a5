import * as tf from '@tensorflow/tfjs-node';
import {
  buildBase, buildHead, composeModel, disposeModels, isBatchNormGuarded, trainModel, unfreezeTop,
} from '../../../lib/models';
import { maxAbsDiff, weightValues } from './helpers';

describe('the BatchNorm trap', () => {
  it('is real in plain tfjs: a frozen BN layer called with training: true moves its moving mean', () => {
    const bn = tf.layers.batchNormalization({ momentum: 0.5 });
    const x = tf.randomNormal([8, 4], 3, 1);
    bn.apply(x); // builds
    bn.trainable = false;
    const before = (bn.getWeights()[2]!.dataSync() as Float32Array).slice();
    tf.tidy(() => { bn.apply(x, { training: true }); });
    expect(maxAbsDiff(before, bn.getWeights()[2]!.dataSync() as Float32Array)).toBeGreaterThan(0.1);
    tf.dispose([x]);
    bn.dispose();
  });

  it('fine-tuning keeps frozen BN moving stats unchanged while trainable weights change', async () => {
    const base = await buildBase({ architecture: 'small-cnn', inputShape: [12, 12, 1] }, 'transfer');
    const head = buildHead(base.outputs[0]!.shape.slice(1), { strategy: 'replace', pooling: 'avg' }, 3);
    const model = composeModel(base, head);
    expect(model.layers.filter((l) => l.getClassName() === 'BatchNormalization').every(isBatchNormGuarded)).toBe(true);
    // Unfreeze the third block only: conv3, conv3_bn, conv3_relu, pool3.
    expect(unfreezeTop(base, { topLayers: 4 })).toEqual(['conv3', 'conv3_bn', 'conv3_relu', 'pool3']);
    const before = weightValues(model);
    // Inputs far from BN's initial stats (mean 0, var 1), so any update would show.
    const x = tf.randomNormal([16, 12, 12, 1], 5, 2, 'float32', 7);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0], 'int32'), 3).toFloat();
    await trainModel(model, { x, y }, { epochs: 2, batchSize: 8, optimizer: 'adam', learningRate: 1e-3 });
    const after = weightValues(model);
    for (const frozen of ['conv1_bn', 'conv2_bn']) {
      expect(maxAbsDiff(before.get(`${frozen}/moving_mean`)!, after.get(`${frozen}/moving_mean`)!)).toBe(0);
      expect(maxAbsDiff(before.get(`${frozen}/moving_variance`)!, after.get(`${frozen}/moving_variance`)!)).toBe(0);
      expect(maxAbsDiff(before.get(`${frozen}/gamma`)!, after.get(`${frozen}/gamma`)!)).toBe(0);
    }
    expect(maxAbsDiff(before.get('conv1/kernel')!, after.get('conv1/kernel')!)).toBe(0);
    // Trainable parts did learn, and the unfrozen BN layer did update its statistics.
    expect(maxAbsDiff(before.get('conv3/kernel')!, after.get('conv3/kernel')!)).toBeGreaterThan(0);
    expect(maxAbsDiff(before.get('predictions/kernel')!, after.get('predictions/kernel')!)).toBeGreaterThan(0);
    expect(maxAbsDiff(before.get('conv3_bn/moving_mean')!, after.get('conv3_bn/moving_mean')!)).toBeGreaterThan(0);
    tf.dispose([x, y]);
    disposeModels(model, base, head);
  });

  it('also holds under tfjs model.fit, since the guard sits in the layer call', async () => {
    const base = await buildBase({ architecture: 'small-cnn', inputShape: [8, 8, 1] }, 'transfer');
    const head = buildHead(base.outputs[0]!.shape.slice(1), { strategy: 'replace', pooling: 'flatten' }, 2);
    const model = composeModel(base, head);
    const before = weightValues(model);
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const x = tf.randomNormal([4, 8, 8, 1], 4, 1);
    const y = tf.tensor2d([1, 0, 0, 1, 1, 0, 0, 1], [4, 2]);
    await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    const after = weightValues(model);
    expect(maxAbsDiff(before.get('conv2_bn/moving_mean')!, after.get('conv2_bn/moving_mean')!)).toBe(0);
    expect(maxAbsDiff(before.get('predictions/kernel')!, after.get('predictions/kernel')!)).toBeGreaterThan(0);
    tf.dispose([x, y]);
    disposeModels(model, base, head);
  });
});
