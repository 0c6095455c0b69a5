import * as tf from '@tensorflow/tfjs-node';
import { flipAveragedProbabilities, predictClassesFlipAveraged } from '../../../lib/models/flip-tta';
import { predictClasses, runInference, type ArraySource } from '../../../lib/models/features';

/**
 * Images of 1×2 pixels, one channel, and a softmax over two classes: the
 * left pixel's weights `left`, the right pixel's `right`. Equal weights make
 * the model blind to a mirror image.
 */
function tinyModel(left: [number, number], right: [number, number]): tf.LayersModel {
  const input = tf.input({ shape: [1, 2, 1] });
  const flat = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
  const dense = tf.layers.dense({ units: 2, activation: 'softmax', useBias: false, name: 'predictions' });
  const model = tf.model({ inputs: input, outputs: dense.apply(flat) as tf.SymbolicTensor });
  dense.setWeights([tf.tensor2d([left, right])]);
  return model;
}

// Two images: bright on the left, bright on the right.
const images: ArraySource = { data: Uint8Array.from([255, 0, 0, 255]), shape: [2, 1, 2, 1] };
const softmax = (a: number, b: number): [number, number] => [Math.exp(a) / (Math.exp(a) + Math.exp(b)), Math.exp(b) / (Math.exp(a) + Math.exp(b))];

describe('flip test-time augmentation', () => {
  it('changes nothing for a model that cannot tell an image from its mirror image', async () => {
    const model = tinyModel([1, -1], [1, -1]);
    const plain = await runInference(model, images, { batchSize: 2 });
    const tta = await flipAveragedProbabilities(model, { input: images }, { batchSize: 1 });
    expect(Array.from(tta.values)).toEqual(Array.from(plain.values).map((v) => expect.closeTo(v, 6)));
    expect(await predictClassesFlipAveraged(model, { input: images }, { batchSize: 2 })).toEqual(await predictClasses(model, images, { batchSize: 2 }));
    model.dispose();
  });

  it('averages the softmax of each image and of its horizontal flip, which can change the class', async () => {
    // The left pixel votes weakly for class 0, the right one strongly for class 1.
    const model = tinyModel([1, 0], [0, 3]);
    const tta = await flipAveragedProbabilities(model, { input: images }, { batchSize: 1 });
    const left = softmax(1, 0);
    const right = softmax(0, 3);
    const mean = [(left[0] + right[0]) / 2, (left[1] + right[1]) / 2];
    // Both images average the same pair of outputs, one as seen and one mirrored.
    expect(Array.from(tta.values)).toEqual([...mean, ...mean].map((v) => expect.closeTo(v, 6)));
    expect(Array.from(await predictClasses(model, images, { batchSize: 2 }))).toEqual([0, 1]);
    expect(Array.from(await predictClassesFlipAveraged(model, { input: images }, { batchSize: 2 }))).toEqual([1, 1]);
    model.dispose();
  });

  it('on cached features, mirrors the images and runs them through the base: the same as the whole model on images', async () => {
    const whole = tinyModel([1, 0], [0, 3]);
    const baseIn = tf.input({ shape: [1, 2, 1] });
    const base = tf.model({ inputs: baseIn, outputs: tf.layers.flatten().apply(baseIn) as tf.SymbolicTensor });
    const headIn = tf.input({ shape: [2] });
    const headDense = tf.layers.dense({ units: 2, activation: 'softmax', useBias: false });
    const head = tf.model({ inputs: headIn, outputs: headDense.apply(headIn) as tf.SymbolicTensor });
    headDense.setWeights(whole.getLayer('predictions').getWeights());
    const features: ArraySource = { data: Float32Array.from([1, 0, 0, 1]), shape: [2, 2] };
    const before = tf.memory().numTensors;
    const viaFeatures = await flipAveragedProbabilities(head, { input: features, images, base }, { batchSize: 1 });
    const viaImages = await flipAveragedProbabilities(whole, { input: images }, { batchSize: 2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(viaFeatures.values)).toEqual(Array.from(viaImages.values).map((v) => expect.closeTo(v, 6)));
    await expect(flipAveragedProbabilities(head, { input: features }, { batchSize: 1 })).rejects.toThrow(/8-bit/);
    for (const m of [whole, base, head]) m.dispose();
  });
});
