import { MinioStore, storeConfigFromEnv } from '../../../lib/store';
import type { ObjectStore } from '../../../lib/store/object-store';

/** True for `s3://` model URIs, which are read through the object store. */
export function needsStore(uri: string | null | undefined): boolean {
  return uri != null && uri.startsWith('s3://');
}

/** The store from `GRAFT_S3_*` / `GRAFT_BUCKET` settings; opened only when an s3:// URI needs it. */
export function defaultOpenStore(): ObjectStore {
  return new MinioStore(storeConfigFromEnv());
}
