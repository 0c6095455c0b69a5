import * as tf from '@tensorflow/tfjs-node';
import { Client as MinioClient } from 'minio';
import { log } from '@temporalio/activity';

export interface SmokeCheckInput {
  readonly bucket: string;
  readonly key: string;
}

export interface SmokeCheckResult {
  /** The tfjs backend that ran the tensor operation: `tensorflow` when native TF is in use. */
  readonly backend: string;
  /** True when the object read back from MinIO equals what was written. */
  readonly roundTrip: boolean;
  /** A matrix product computed on that backend, to check it computes. */
  readonly matmul: number[];
}

export interface SmokeDeps {
  readonly minio: MinioClient;
}

/** The foundation's end-to-end check: MinIO write + read, and a tensor op on the native backend. */
export function createSmokeActivities({ minio }: SmokeDeps) {
  return {
    async smokeCheck({ bucket, key }: SmokeCheckInput): Promise<SmokeCheckResult> {
      if (!(await minio.bucketExists(bucket))) await minio.makeBucket(bucket);
      const payload = Buffer.from(JSON.stringify({ key, at: new Date().toISOString() }));
      await minio.putObject(bucket, key, payload, payload.length);
      const chunks: Buffer[] = [];
      for await (const chunk of await minio.getObject(bucket, key)) chunks.push(chunk as Buffer);
      const roundTrip = Buffer.concat(chunks).equals(payload);
      const product = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5], [6]])));
      const matmul = Array.from(await product.data());
      product.dispose();
      log.info('smoke check done', { backend: tf.getBackend(), roundTrip });
      return { backend: tf.getBackend(), roundTrip, matmul };
    },
  };
}
