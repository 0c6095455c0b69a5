import * as tf from '@tensorflow/tfjs-node';
import { TensorRows, type Rows } from './rows';

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
  return evaluateRows(model, new TensorRows(x, y), batchSize);
}

/** Loss and accuracy in inference mode over rows read in order, a chunk at a time. */
export async function evaluateRows(model: tf.LayersModel, rows: Rows, batchSize: number): Promise<{ loss: number; acc: number }> {
  let loss = 0;
  let acc = 0;
  let n = 0;
  for await (const chunk of rows.chunks(0, Math.max(batchSize, EVAL_CHUNK_ROWS - (EVAL_CHUNK_ROWS % batchSize)), null)) {
    try {
      const count = chunk.x.shape[0]!;
      for (let start = 0; start < count; start += batchSize) {
        const size = Math.min(batchSize, count - start);
        const both = tf.tidy(() => {
          const probs = model.apply(chunk.x.slice(start, size), { training: false }) as tf.Tensor;
          const yb = chunk.y.slice(start, size);
          return tf.stack([crossEntropy(yb, probs), argMaxAccuracy(yb, probs)]);
        });
        const [l, a] = await both.data();
        both.dispose();
        loss += l! * size;
        acc += a! * size;
      }
      n += count;
    } finally {
      tf.dispose([chunk.x, chunk.y]);
    }
  }
  return { loss: n ? loss / n : NaN, acc: n ? acc / n : NaN };
}

/** Rows per chunk when evaluating: bounds what a streamed split holds at once. */
const EVAL_CHUNK_ROWS = 4096;
