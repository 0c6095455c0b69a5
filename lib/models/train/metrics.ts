import * as tf from '@tensorflow/tfjs-node';

const EPS = 1e-7;

/** Mean categorical cross-entropy of probabilities; labels may be soft. */
export function crossEntropy(labels: tf.Tensor, probs: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(exampleCrossEntropy(labels, probs)) as tf.Scalar);
}

/** Each row's categorical cross-entropy, [n]. */
export function exampleCrossEntropy(labels: tf.Tensor, probs: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => tf.neg(tf.sum(tf.mul(labels, tf.log(tf.clipByValue(probs, EPS, 1 - EPS))), -1)) as tf.Tensor1D);
}

/** Share of rows whose arg-max matches the label's arg-max (soft labels too). */
export function argMaxAccuracy(labels: tf.Tensor, probs: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(argMaxHits(labels, probs)));
}

/** 1 where a row's arg-max matches the label's, else 0, [n]. */
export function argMaxHits(labels: tf.Tensor, probs: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => tf.cast(tf.equal(tf.argMax(labels, -1), tf.argMax(probs, -1)), 'float32') as tf.Tensor1D);
}

/** Loss and accuracy in inference mode, batch by batch. */
export async function evaluateModel(
  model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, batchSize: number,
): Promise<{ loss: number; acc: number }> {
  const n = x.shape[0] ?? 0;
  let loss = 0;
  let acc = 0;
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const both = tf.tidy(() => {
      const probs = model.apply(x.slice(start, size), { training: false }) as tf.Tensor;
      const yb = y.slice(start, size);
      return tf.stack([crossEntropy(yb, probs), argMaxAccuracy(yb, probs)]);
    });
    const [l, a] = await both.data();
    both.dispose();
    loss += l! * size;
    acc += a! * size;
  }
  return { loss: n ? loss / n : NaN, acc: n ? acc / n : NaN };
}
