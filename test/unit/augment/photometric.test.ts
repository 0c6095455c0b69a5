import * as tf from '@tensorflow/tfjs-node';
import { brightnessBatch, channelShiftBatch, flipImageBatch } from '../../../lib/augment';

describe('photometric batch ops', () => {
  it("channel shift adds one intensity to every channel, clipped to each image's own min/max", () => {
    const x = tf.tensor4d([10, 50, 90, 20, 0, 0, 0, 100], [2, 1, 2, 2]);
    const y = channelShiftBatch(x, [30, -30]);
    // image 0: range [10, 90] → 40, 80, 90(clipped), 50; image 1: range [0, 100] → 0, 0, 0, 70
    expect(Array.from(y.dataSync())).toEqual([40, 80, 90, 50, 0, 0, 0, 70]);
    tf.dispose([x, y]);
  });

  it('flips only the images asked, along the right axis', () => {
    const x = tf.tensor4d([1, 2, 3, 4, 1, 2, 3, 4], [2, 2, 2, 1]);
    const h = flipImageBatch(x, [true, false], [false, true]);
    expect(Array.from(h.dataSync())).toEqual([2, 1, 4, 3, 3, 4, 1, 2]);
    tf.dispose([x, h]);
  });

  it('brightness multiplies and clips to [0, maxValue]', () => {
    const x = tf.tensor4d([100, 200], [2, 1, 1, 1]);
    const y = brightnessBatch(x, [0.5, 1.5], 255);
    expect(Array.from(y.dataSync())).toEqual([50, 255]);
    tf.dispose([x, y]);
  });
});
