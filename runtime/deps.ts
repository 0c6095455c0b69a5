import type { ActivityDeps } from '../activities';
import { MinioStore } from '../lib/store/minio-store';
import { storeConfigFromEnv } from '../lib/store/store-config';

/** The real dependencies activities run with: MinIO from the environment (GRAFT_S3_*). */
export async function activityDepsFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<ActivityDeps> {
  const store = new MinioStore(storeConfigFromEnv(env));
  await store.ensureBucket();
  return { store };
}
