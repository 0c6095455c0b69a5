import * as tf from '@tensorflow/tfjs-node';
import {
  accuracyOf, buildHead, decodeSafetensors, disposeModels, encodeSafetensors, evaluatePredictions,
  loadPublishedModel, perClassAccuracy, predictImages, prepareImages, savePublishedModel,
} from '../../../lib/models';
import { DataError } from '../../../lib/errors';
import { MemoryStore } from '../../support/memory-store';

describe('safetensors', () => {
  it('round-trips and follows the layout: u64 header length, JSON header, aligned data', () => {
    const buf = encodeSafetensors([
      { name: 'a/kernel', dtype: 'float32', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) },
      { name: 'iter', dtype: 'int32', shape: [], data: new Int32Array([7]) },
    ], { epoch: '3' });
    const n = Number(buf.readBigUInt64LE(0));
    expect(n % 8).toBe(0);
    const header = JSON.parse(buf.subarray(8, 8 + n).toString()) as Record<string, { dtype: string; data_offsets: number[] }>;
    expect(header['a/kernel']).toEqual({ dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] });
    expect(header.iter).toEqual({ dtype: 'I32', shape: [], data_offsets: [16, 20] });
    expect(buf.length).toBe(8 + n + 20);
    const back = decodeSafetensors(buf);
    expect(back.metadata).toEqual({ epoch: '3' });
    expect(back.tensors.map((t) => [t.name, t.dtype, [...t.data]])).toEqual([
      ['a/kernel', 'float32', [1, 2, 3, 4]], ['iter', 'int32', [7]],
    ]);
  });
});

describe('evaluation', () => {
  it('confusion matrix, accuracy, per-class accuracy', () => {
    const t = [0, 0, 1, 1, 2, 2];
    const p = [0, 1, 1, 1, 0, 2];
    const result = evaluatePredictions(t, p, 4);
    expect(result.confusion).toEqual([[1, 1, 0, 0], [0, 2, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]]);
    expect(accuracyOf(t, p)).toBeCloseTo(4 / 6);
    expect(result.accuracy).toBeCloseTo(4 / 6);
    expect(perClassAccuracy(result.confusion)).toEqual([0.5, 1, 0.5, null]);
    expect(result.count).toBe(6);
    expect(() => evaluatePredictions([0, 5], [0, 0], 3)).toThrow(DataError);
  });
});

describe('published models', () => {
  it('saves with labels and lineage, loads them back, predicts named classes', async () => {
    const store = new MemoryStore();
    const model = buildHead([2, 2, 1], { strategy: 'replace', pooling: 'flatten' }, 3);
    await savePublishedModel(model, 's3://graft/models/p/current/model.json', { classNames: ['shirt', 'coat', 'bag'] }, store);
    const pub = await loadPublishedModel('s3://graft/models/p/current/model.json', store);
    expect(pub.classNames).toEqual(['shirt', 'coat', 'bag']);
    expect(pub.lineage).toBeNull();
    // RGB 8-bit images of another size become the model's 2×2×1 input.
    const imgs = [tf.fill([5, 5, 3], 200, 'int32') as tf.Tensor3D, tf.zeros([4, 4, 3], 'int32') as tf.Tensor3D];
    const batch = prepareImages(imgs, pub.model.inputs[0]!.shape);
    expect(batch.shape).toEqual([2, 2, 2, 1]);
    expect(batch.max().dataSync()[0]).toBeCloseTo(200 / 255, 5);
    const preds = predictImages(pub.model, batch, pub.classNames);
    expect(preds).toHaveLength(2);
    for (const p of preds) {
      expect(['shirt', 'coat', 'bag']).toContain(p.className);
      expect(p.probability).toBe(Math.max(...p.ranked.map((r) => r.probability)));
      expect(p.ranked.reduce((a, r) => a + r.probability, 0)).toBeCloseTo(1, 5);
    }
    tf.dispose([...imgs, batch]);
    disposeModels(model, pub.model);
  });
});
