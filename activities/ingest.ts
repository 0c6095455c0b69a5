import { DataError } from '../lib/errors';
import { readDataset } from '../lib/data/read';
import { splitDataset } from '../lib/data/split';
import { datasetFingerprint } from '../lib/data/fingerprint';
import { cacheKey } from '../lib/store/cache-key';
import { datasetShard, writeShard } from '../lib/stages/shards';
import type { JsonValue } from '../lib/store/cache-manifest';
import { WriteRefused } from '../lib/stages/lookup-only';
import { runCachedStage } from '../lib/stages/run-stage';
import { sourceFilesSignature } from '../lib/stages/source-files';
import { STAGE_CODE_VERSIONS } from '../lib/stages/versions';
import type { IngestInput, IngestResult, ShardRef, Split, StageOutcome } from './contracts';
import type { StageEnv } from './activity-context';
import { heartbeat, stageLog, withHeartbeats } from './activity-context';

const SPLITS: readonly Split[] = ['train', 'validation', 'test'];

interface IngestMeta {
  fingerprint: string;
  classNames: string[];
  imageShape: [number, number, number];
  shards: Record<Split, { name: string; count: number; offset: number; contentHash?: string }[]>;
  skipped: string[];
}

/**
 * Reads the source (always: its content decides the key), fingerprints it,
 * and writes the seeded train/validation/test split as shards, unless an
 * entry for the same content and split is already cached.
 */
export function createIngestActivity(env: StageEnv) {
  return async function ingest({ ctx, dataset, shardSize }: IngestInput): Promise<IngestResult> {
    const started = Date.now();
    const keyOf = (fingerprint: string) => cacheKey({ stage: 'ingest', config: { split: dataset.split, shardSize }, upstream: [fingerprint], codeVersion: STAGE_CODE_VERSIONS.ingest });
    // Unchanged local files: the content fingerprint of the last read stands, and a cached entry needs no read at all.
    const files = await sourceFilesSignature(dataset.source);
    const memoKey = files ? cacheKey({ stage: 'source', config: dataset, upstream: [files], codeVersion: STAGE_CODE_VERSIONS.ingest }) : undefined;
    if (memoKey && !ctx.noCache) {
      const memo = (await env.cache.lookup('source', memoKey, { onMiss: () => undefined }))?.meta as SourceMemo | null | undefined;
      const key = memo ? keyOf(memo.fingerprint) : undefined;
      const hit = key ? await env.cache.lookup('ingest', key, { onMiss: () => undefined }) : undefined;
      if (memo && key && hit) return ingestResult(key, 'cached', (Date.now() - started) / 1000, hit.meta as unknown as IngestMeta, memo.skipped);
    }
    const { dataset: ds, skipped } = await withHeartbeats({ stage: 'ingest' }, readDataset(dataset.source, dataset, env.store));
    const fingerprint = datasetFingerprint(ds);
    // The reader's reason may already start with the file's name.
    const skippedLines = skipped.map((s) => (s.reason.startsWith(`${s.file}: `) ? s.reason : `${s.file}: ${s.reason}`));
    const key = keyOf(fingerprint);
    const run = await runCachedStage<IngestMeta>({
      cache: env.cache, stage: 'ingest', key, noCache: ctx.noCache, log: stageLog,
      compute: async (writer) => {
        const splits = splitDataset(ds, dataset.split);
        for (const split of ['train', 'test'] as const) {
          if (splits[split].labels.length === 0) {
            throw new DataError(`dataset.split leaves no ${split} images (${ds.labels.length} images, validation ${dataset.split.validation}, test ${dataset.split.test})`);
          }
        }
        const shards = {} as IngestMeta['shards'];
        for (const split of SPLITS) {
          shards[split] = [];
          const part = splits[split];
          for (let offset = 0, index = 0; offset < part.labels.length; offset += shardSize, index++) {
            const name = `${split}-${String(index).padStart(5, '0')}`;
            const count = Math.min(shardSize, part.labels.length - offset);
            const contentHash = await writeShard(writer, name, datasetShard(part, offset, count));
            shards[split].push({ name, count, offset, contentHash });
            heartbeat({ stage: 'ingest', done: offset + count, total: part.labels.length });
          }
        }
        stageLog(`ingest: ${ds.labels.length} images, ${ds.classNames.length} classes, split ${SPLITS.map((s) => `${s} ${splits[s].labels.length}`).join(' / ')}`);
        return {
          meta: {
            fingerprint,
            classNames: [...ds.classNames],
            imageShape: [ds.height, ds.width, ds.channels],
            shards,
            skipped: skippedLines,
          },
        };
      },
    });
    if (memoKey) await remember(env, memoKey, { fingerprint, skipped: skippedLines });
    // This run's read, not the cached entry's: the same images may come with other bad files.
    if (skippedLines.length > 0) stageLog(`ingest: skipped ${skippedLines.length} bad image(s), e.g. ${skippedLines[0]}`);
    return ingestResult(key, run.outcome, (Date.now() - started) / 1000, run.meta, skippedLines);
  };
}

/** What a read of unchanged source files gave: its content fingerprint and the files it skipped. */
interface SourceMemo {
  fingerprint: string;
  skipped: string[];
}

/** Records the read for the next run; a lookup-only cache (a plan lookup) writes nothing, which costs only a later read. */
async function remember(env: StageEnv, memoKey: string, memo: SourceMemo): Promise<void> {
  try {
    await env.cache.commit('source', memoKey, [], memo as unknown as JsonValue);
  } catch (err) {
    if (!(err instanceof WriteRefused)) throw err;
  }
}

function ingestResult(key: string, outcome: StageOutcome, seconds: number, meta: IngestMeta, skipped: string[]): IngestResult {
  const refs = (split: Split): ShardRef[] => meta.shards[split].map((s) => ({ stage: 'ingest', key, ...s }));
  return {
    outcome, key, seconds, fingerprint: meta.fingerprint, classNames: meta.classNames, imageShape: meta.imageShape,
    shards: { train: refs('train'), validation: refs('validation'), test: refs('test') }, skipped,
  };
}
