// Public API of the object store, stage cache and tensor files.
export type { ObjectStore } from './object-store';
export { MinioStore, contentTypeFor as storeContentTypeFor } from './minio-store';
export { storeConfigFromEnv, StoreConfigError, STORE_DEFAULTS, type StoreConfig } from './store-config';
export { mapStoreError, storeErrorCode, type StoreErrorContext } from './store-errors';
export { safeKey, joinKey, keySegment, keyPrefix } from './keys';
export { encodeNpy, decodeNpy, npyDtypeOf, type NpyArray, type NpyDtype, type NpyData } from './npy';
export { cacheKey, canonicalJson, sha256Hex, type CacheKeyInput } from './cache-key';
export {
  CACHE_MANIFEST_NAME, parseCacheManifest,
  type CacheManifest, type CacheFileEntry, type JsonValue,
} from './cache-manifest';
export { CacheWriter } from './cache-writer';
export {
  StageCache,
  type StageCacheOptions, type CacheMiss, type CacheMissReason, type CacheVerify, type CacheFileInput,
} from './cache';
