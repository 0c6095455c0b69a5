import { DataError } from '../lib/errors';
import { cacheKey } from '../lib/store/cache-key';
import { StreamedSource } from '../lib/stages/streamed-source';
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
  /** How many files were skipped, when more than `skipped` lists (absent in entries from before the cap). */
  skippedCount?: number;
}

/**
 * Skipped files named in a result, its cache entry and the source memo: the
 * count covers them all, so a source with a million bad files still makes a
 * small result (it travels through the workflow's history).
 */
export const SKIPPED_KEPT = 20;

function keptSkipped(lines: readonly string[]): { skipped: string[]; skippedCount: number } {
  return { skipped: lines.slice(0, SKIPPED_KEPT), skippedCount: lines.length };
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
      if (memo && key && hit) {
        return ingestResult(key, 'cached', (Date.now() - started) / 1000, hit.meta as unknown as IngestMeta, { skipped: memo.skipped.slice(0, SKIPPED_KEPT), skippedCount: memo.skippedCount ?? memo.skipped.length });
      }
    }
    // Streamed: pixels go to a local spill file, never all in memory (lib/stages/streamed-source.ts).
    const source = await withHeartbeats({ stage: 'ingest' }, StreamedSource.open(dataset, env.store, (done) => heartbeat({ stage: 'ingest', done })));
    try {
      const fingerprint = await withHeartbeats({ stage: 'ingest' }, source.fingerprint());
      // The reader's reason may already start with the file's name.
      const skippedLines = source.skipped.map((s) => (s.reason.startsWith(`${s.file}: `) ? s.reason : `${s.file}: ${s.reason}`));
      const key = keyOf(fingerprint);
      const run = await runCachedStage<IngestMeta>({
        cache: env.cache, stage: 'ingest', key, noCache: ctx.noCache, log: stageLog,
        compute: async (writer) => {
          const splits = source.split(dataset.split);
          for (const split of ['train', 'test'] as const) {
            if (splits[split].length === 0) {
              throw new DataError(`dataset.split leaves no ${split} images (${source.count} images, validation ${dataset.split.validation}, test ${dataset.split.test})`);
            }
          }
          const shards = {} as IngestMeta['shards'];
          for (const split of SPLITS) {
            const total = splits[split].length;
            shards[split] = await source.writeShards(writer, split, splits[split], shardSize, (done) => heartbeat({ stage: 'ingest', done, total }));
          }
          stageLog(`ingest: ${source.count} images, ${source.classNames.length} classes, split ${SPLITS.map((s) => `${s} ${splits[s].length}`).join(' / ')}`);
          return {
            meta: {
              fingerprint,
              classNames: [...source.classNames],
              imageShape: source.imageShape,
              shards,
              ...keptSkipped(skippedLines),
            },
          };
        },
      });
      if (memoKey) await remember(env, memoKey, { fingerprint, ...keptSkipped(skippedLines) });
      // This run's read, not the cached entry's: the same images may come with other bad files.
      if (skippedLines.length > 0) stageLog(`ingest: skipped ${skippedLines.length} bad image(s), e.g. ${skippedLines[0]}`);
      return ingestResult(key, run.outcome, (Date.now() - started) / 1000, run.meta, keptSkipped(skippedLines));
    } finally {
      await source.remove();
    }
  };
}

/** What a read of unchanged source files gave: its content fingerprint and the files it skipped. */
interface SourceMemo {
  fingerprint: string;
  skipped: string[];
  skippedCount?: number;
}

/** Records the read for the next run; a lookup-only cache (a plan lookup) writes nothing, which costs only a later read. */
async function remember(env: StageEnv, memoKey: string, memo: SourceMemo): Promise<void> {
  try {
    await env.cache.commit('source', memoKey, [], memo as unknown as JsonValue);
  } catch (err) {
    if (!(err instanceof WriteRefused)) throw err;
  }
}

function ingestResult(
  key: string, outcome: StageOutcome, seconds: number, meta: IngestMeta, { skipped, skippedCount }: { skipped: string[]; skippedCount: number },
): IngestResult {
  const refs = (split: Split): ShardRef[] => meta.shards[split].map((s) => ({ stage: 'ingest', key, ...s }));
  return {
    outcome, key, seconds, fingerprint: meta.fingerprint, classNames: meta.classNames, imageShape: meta.imageShape,
    shards: { train: refs('train'), validation: refs('validation'), test: refs('test') }, skipped, skippedCount,
  };
}
