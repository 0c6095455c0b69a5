/**
 * Each stage's code version, part of its cache key: bump a stage's number
 * when a change alters what it produces, and its cached outputs (and those
 * of every stage after it) are recomputed.
 */
export const STAGE_CODE_VERSIONS = {
  ingest: 'ingest/2',
  augment: 'augment/1',
  base: 'base/2',
  extract: 'extract/2',
  'train-head': 'train-head/1',
  'fine-tune': 'fine-tune/1',
  train: 'train/2',
  evaluate: 'evaluate/2',
  publish: 'publish/1',
} as const;

export type VersionedStage = keyof typeof STAGE_CODE_VERSIONS;
