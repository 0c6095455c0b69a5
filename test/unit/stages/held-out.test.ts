// The champion judged on the challenger's test images: class names matched
// by name, images of another size or channel count adapted as graft predict
// does, and the champion's per-image outcomes paired with the challenger's.
import * as tf from '@tensorflow/tfjs-node';
import type { ImageDataset } from '../../../lib/data/types';
import { predictClasses } from '../../../lib/models/features';
import { savePublishedModel } from '../../../lib/models/predict';
import { classIndexMap, judgeChampion, predictImageClasses, readPredictions, writePredictions } from '../../../lib/stages/held-out';
import { datasetShard, writeShard } from '../../../lib/stages/shards';
import { StageCache } from '../../../lib/store/cache';
import { MemoryStore } from '../../support/memory-store';

/** A 2×2×1 classifier: class 0 when the mean pixel (scaled to [0, 1]) is above 0.5, else class 1. */
function brightnessModel(): tf.LayersModel {
  const model = tf.sequential({
    layers: [tf.layers.flatten({ inputShape: [2, 2, 1] }), tf.layers.dense({ units: 2, activation: 'softmax' })],
  });
  model.layers[1]!.setWeights([tf.tensor2d([[10, -10], [10, -10], [10, -10], [10, -10]]), tf.tensor1d([-20, 20])]);
  return model;
}

/** Images filled with one value each (bright 255 or dark 0), of the given side and channels. */
function filled(values: readonly number[], side: number, channels: number): { data: Uint8Array; shape: number[] } {
  const size = side * side * channels;
  const data = new Uint8Array(values.length * size);
  values.forEach((v, i) => data.fill(v, i * size, (i + 1) * size));
  return { data, shape: [values.length, side, side, channels] };
}

describe('classIndexMap', () => {
  it('maps a model’s class indices to the challenger’s by name; an unknown class never counts as right', () => {
    const map = classIndexMap(['coat', 'shirt', 'bag'], ['shirt', 'coat']);
    expect([0, 1, 2].map(map)).toEqual([1, 0, -1]);
    expect([0, 1].map(classIndexMap(null, ['shirt', 'coat']))).toEqual([0, 1]);
  });
});

describe('predictImageClasses', () => {
  const model = brightnessModel();
  afterAll(() => model.dispose());

  it('is the inference loop itself when the images fit the model', async () => {
    const images = filled([255, 0, 200, 10], 2, 1);
    const expected = await predictClasses(model, images, { batchSize: 3 });
    expect(Array.from(await predictImageClasses(model, images, { batchSize: 3 }))).toEqual(Array.from(expected));
    expect(Array.from(expected)).toEqual([0, 1, 0, 1]);
  });

  it('resizes and converts images of another size and channel count, a batch at a time', async () => {
    const batches: number[] = [];
    const out = await predictImageClasses(model, filled([255, 0, 230, 5, 255], 5, 3), { batchSize: 2, onBatch: (done) => { batches.push(done); } });
    expect(Array.from(out)).toEqual([0, 1, 0, 1, 0]);
    expect(batches).toEqual([2, 4, 5]);
  });
});

describe('judgeChampion', () => {
  it('runs the current model over the challenger’s test shards and pairs the outcomes image by image', async () => {
    const store = new MemoryStore();
    const cache = new StageCache(store);
    // The challenger's classes are [dark, bright]; the champion was trained with them the other way round.
    // Bright, dark, bright, dark, bright; the third is labelled dark.
    const test: ImageDataset = {
      classNames: ['dark', 'bright'], images: filled([255, 0, 255, 0, 255], 2, 1).data, labels: Int32Array.from([1, 0, 0, 0, 1]), height: 2, width: 2, channels: 1,
    };
    const writer = cache.writer('ingest', 'ik');
    await writeShard(writer, 'test-00000', datasetShard(test, 0, 3));
    await writeShard(writer, 'test-00001', datasetShard(test, 3, 2));
    await writer.commit();
    const evaluated = cache.writer('evaluate', 'ek');
    await writePredictions(evaluated, Int32Array.from([1, 1, 0, 0, 0]));
    await evaluated.commit();
    expect(Array.from(await readPredictions(cache, 'ek'))).toEqual([1, 1, 0, 0, 0]);

    const champion = brightnessModel();
    await savePublishedModel(champion, 's3://graft/models/shirts/v1/model.json', { classNames: ['bright', 'dark'] }, store);
    champion.dispose();

    const judge = () => judgeChampion({
      store, cache, pipeline: 'shirts', championVersion: 'v1', classNames: ['dark', 'bright'], inference: { batchSize: 2 },
      heldOut: { images: ['test-00000', 'test-00001'].map((name) => ({ stage: 'ingest', key: 'ik', name })), evaluateKey: 'ek' },
    });
    const counts = await judge();
    // The champion goes by brightness: right on all but the mislabelled third image. The challenger
    // predicts [bright, bright, dark, dark, dark]: right on the first, third and fourth.
    expect(counts).toEqual({ images: 5, challengerRight: 3, championRight: 4, onlyChallenger: 1, onlyChampion: 2 });
    // Judged again on the same images: the champion's predictions come from the cache, not from running it.
    await store.removePrefix('models/shirts/v1/');
    expect(await judge()).toEqual(counts);
  });
});
