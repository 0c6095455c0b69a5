import * as tf from '@tensorflow/tfjs-node';
import type { io } from '@tensorflow/tfjs-core';
import { ReLU } from '../../../lib/models/bases/relu-layer';
import { maxAbsDiff } from './helpers';

/** A model of one tfjs ReLU layer, as tfjs itself builds it. */
function tfjsModel(maxValue?: number): tf.LayersModel {
  const input = tf.input({ shape: [4, 4, 3] });
  const output = tf.layers.reLU({ ...(maxValue !== undefined ? { maxValue } : {}), name: 'act' }).apply(input) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

describe('ReLU layer', () => {
  const x = tf.mul(tf.randomNormal([2, 4, 4, 3], 0, 1, 'float32', 1), 5);

  afterAll(() => x.dispose());

  it.each([6, 3, undefined])('gives what tfjs\' ReLU gives, bit for bit (maxValue %s)', (maxValue) => {
    const reference = tfjsModel(maxValue);
    const expected = reference.predict(x) as tf.Tensor;
    const ours = tf.tidy(() => new ReLU(maxValue !== undefined ? { maxValue } : {}).apply(x) as tf.Tensor);
    expect(maxAbsDiff(ours.dataSync() as Float32Array, expected.dataSync() as Float32Array)).toBe(0);
    tf.dispose([expected, ours]);
    reference.dispose();
  });

  it('is what a saved model with a tfjs ReLU loads as, with the same config', async () => {
    const reference = tfjsModel(6);
    const artifacts: io.ModelArtifacts[] = [];
    await reference.save(tf.io.withSaveHandler(async (a) => {
      artifacts.push(a);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts[0]!));
    const layer = loaded.getLayer('act');
    expect(layer).toBeInstanceOf(ReLU);
    expect(layer.getConfig()).toEqual(reference.getLayer('act').getConfig());
    const [a, b] = [reference.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    expect(maxAbsDiff(a.dataSync() as Float32Array, b.dataSync() as Float32Array)).toBe(0);
    tf.dispose([a, b]);
    reference.dispose();
    loaded.dispose();
  });

  it('has the gradient of relu clipped at 6 (away from the kinks)', () => {
    const layer = new ReLU({ maxValue: 6 });
    const away = tf.tidy(() => tf.where(tf.less(tf.abs(tf.sub(tf.abs(tf.sub(x, 3)), 3)), 1e-3), tf.fill(x.shape, 1), x));
    const ours = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(layer.apply(t) as tf.Tensor, t)))(away);
    const expected = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.clipByValue(tf.relu(t), 0, 6), t)))(away);
    expect(maxAbsDiff(ours.dataSync() as Float32Array, expected.dataSync() as Float32Array)).toBeLessThan(1e-6);
    tf.dispose([away, ours, expected]);
  });
});
