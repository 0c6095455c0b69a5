import * as tf from '@tensorflow/tfjs-node';
import { log } from '@temporalio/activity';
import type { ObjectStore } from '../lib/store/object-store';

export interface SmokeCheckInput {
  readonly key: string;
}

export interface SmokeCheckResult {
  /** The tfjs backend that ran the tensor operation: `tensorflow` when native TF is in use. */
  readonly backend: string;
  /** True when the object read back from the store equals what was written. */
  readonly roundTrip: boolean;
  /** A matrix product computed on that backend, to check it computes. */
  readonly matmul: number[];
}

/** The foundation's end-to-end check: a MinIO write and read, and a tensor op on the native backend. */
export function createSmokeActivities({ store }: { store: ObjectStore }) {
  return {
    async smokeCheck({ key }: SmokeCheckInput): Promise<SmokeCheckResult> {
      const payload = Buffer.from(JSON.stringify({ key, at: new Date().toISOString() }));
      await store.put(key, payload, 'application/json');
      const readBack = await store.get(key);
      const product = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5], [6]])));
      const matmul = Array.from(await product.data());
      product.dispose();
      const roundTrip = readBack !== undefined && readBack.equals(payload);
      log.info('smoke check done', { backend: tf.getBackend(), roundTrip });
      return { backend: tf.getBackend(), roundTrip, matmul };
    },
  };
}
