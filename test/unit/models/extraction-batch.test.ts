import * as tf from '@tensorflow/tfjs-node';
import { disposeModels } from '../../../lib/models';
import { extractionBatchSize } from '../../../lib/models/extraction-batch';

function convNet(side: number, filters: number): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [side, side, 3], filters, kernelSize: 3, padding: 'same' }));
  model.add(tf.layers.globalAveragePooling2d({}));
  return model;
}

describe('extractionBatchSize', () => {
  it('keeps the largest activation of a batch near 128 MiB, between 64 and 1,024 images', () => {
    const small = convNet(8, 4); // 256 floats a sample: the ceiling
    const middle = convNet(64, 32); // 131,072 floats (512 KiB) a sample: 256 of them
    const large = convNet(224, 96); // 4.8 M floats a sample: the floor
    expect([small, middle, large].map(extractionBatchSize)).toEqual([1024, 256, 64]);
    disposeModels(small, middle, large);
  });
});
