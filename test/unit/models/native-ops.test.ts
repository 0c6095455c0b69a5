import * as tf from '@tensorflow/tfjs-node';
import { matMul2d, nativeMatMul } from '../../../lib/models/native-ops';

describe('matMul2d', () => {
  it.each([[false, false], [true, false], [false, true], [true, true]])('equals tfjs matMul (transposeA %s, transposeB %s)', (transposeA, transposeB) => {
    tf.tidy(() => {
      const a = tf.randomUniform(transposeA ? [7, 5] : [5, 7], -1, 1, 'float32', 1) as tf.Tensor2D;
      const b = tf.randomUniform(transposeB ? [3, 7] : [7, 3], -1, 1, 'float32', 2) as tf.Tensor2D;
      const got = matMul2d(a, b, transposeA, transposeB);
      const want = tf.matMul(a, b, transposeA, transposeB);
      expect(got.shape).toEqual([5, 3]);
      expect(tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]).toBeLessThan(1e-5);
    });
  });

  it('takes the native MatMul path on tfjs-node (else the fused head step loses its speed)', () => {
    expect(nativeMatMul()).toBe(true);
  });

  it('leaves no tensor behind', () => {
    const a = tf.ones([4, 2]) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    matMul2d(a, a, false, true).dispose();
    expect(tf.memory().numTensors).toBe(before);
    a.dispose();
  });
});
