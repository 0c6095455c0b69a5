import type * as tf from '@tensorflow/tfjs-node';
import { baseWeightsSource, buildBase } from '../lib/models/build-base';
import { runInference } from '../lib/models/features';
import { extractionBatchSize } from '../lib/models/extraction-batch';
import { foldBatchNorm } from '../lib/models/fold-batchnorm';
import { cacheKey } from '../lib/store/cache-key';
import { modelFingerprint, readModel, writeModel } from '../lib/stages/model-files';
import { readShard, writeShard } from '../lib/stages/shards';
import { runCachedStage } from '../lib/stages/run-stage';
import { STAGE_CODE_VERSIONS } from '../lib/stages/versions';
import type { BaseInput, BaseResult, BaseWeightsRef, ExtractInput, ModelRef, RunContext, ShardRef, ShardsResult } from './contracts';
import type { StageEnv } from './activity-context';
import { stageLog, withHeartbeats, yieldToEventLoop } from './activity-context';
import type { ShardProgress, ShardRun } from './shard-group';
import { runShardGroup } from './shard-group';

interface BaseMeta {
  fingerprint: string;
  featureShape: number[];
  weights?: BaseWeightsRef | null;
}

/**
 * Materializes the frozen base once in the cache, so every extract shard and
 * the fine-tune stage use the same weights. A base loaded from a URI is keyed
 * by its content; a built-in architecture by its spec and the checksum of
 * its pretrained weights (a random initialization then stays the base for
 * that spec).
 */
export function createBaseActivity(env: StageEnv) {
  return async function prepareBase({ ctx, base }: BaseInput): Promise<BaseResult> {
    const fetching = { stage: 'base' };
    let loaded: tf.LayersModel | undefined;
    let key: string;
    if (base.uri) {
      loaded = await withHeartbeats(fetching, buildBase(base, 'transfer', { store: env.store }));
      key = cacheKey({ stage: 'base', config: { cutAt: base.cutAt }, upstream: [await modelFingerprint(loaded)], codeVersion: STAGE_CODE_VERSIONS.base });
    } else {
      const source = await baseWeightsSource(base);
      key = cacheKey({ stage: 'base', config: base, upstream: source ? [source.safetensorsSha256] : [], codeVersion: STAGE_CODE_VERSIONS.base });
    }
    try {
      const run = await runCachedStage<BaseMeta>({
        cache: env.cache, stage: 'base', key, noCache: ctx.noCache, log: stageLog,
        compute: async (writer) => {
          loaded ??= await withHeartbeats(fetching, buildBase(base, 'transfer', { store: env.store }));
          await withHeartbeats(fetching, writeModel(writer, loaded));
          const featureShape = loaded.outputs[0]!.shape.slice(1) as number[];
          const source = await baseWeightsSource(base);
          const weights: BaseWeightsRef | null = source
            ? { weights: 'imagenet', package: source.package, sha256: source.safetensorsSha256, wheelSha256: source.wheelSha256 }
            : null;
          stageLog(`base: ${base.architecture ?? base.uri}${weights ? ` (ImageNet weights from ${weights.package})` : ''} cut at ${base.cutAt ?? 'its last layer'}, features ${featureShape.join('×')}`);
          return { meta: { fingerprint: await modelFingerprint(loaded), featureShape, weights } };
        },
      });
      const model = { stage: 'base' as const, key, fingerprint: run.meta.fingerprint };
      return {
        outcome: run.outcome, key, seconds: run.seconds, model, fingerprint: run.meta.fingerprint, featureShape: run.meta.featureShape,
        weights: run.meta.weights ?? null,
      };
    } finally {
      loaded?.dispose();
    }
  };
}

/**
 * Runs the frozen base over a group of shards, one after another, caching
 * each shard's features with its labels under a key of (base, shard).
 */
export function createExtractActivity(env: StageEnv) {
  // BN folded into the convs once per loaded base: the frozen base only runs inference here.
  const bases = new ModelMemo(env, foldBatchNorm);

  async function extractShard(ctx: RunContext, base: ModelRef, source: ShardRef, progress: ShardProgress): Promise<ShardRun> {
    const shardIdentity = source.contentHash ?? `${source.key}/${source.name}`;
    const key = cacheKey({ stage: 'extract', config: {}, upstream: [modelIdentity(base), shardIdentity], codeVersion: STAGE_CODE_VERSIONS.extract });
    const run = await runCachedStage<{ featureShape: number[] }>({
      cache: env.cache, stage: 'extract', key, noCache: ctx.noCache, log: stageLog,
      compute: async (writer) => {
        const model = await withHeartbeats(progress.position, bases.get(base));
        const shard = await withHeartbeats(progress.position, readShard(env.cache, source));
        const n = shard.xShape[0]!;
        const featureShape = model.outputs[0]!.shape.slice(1) as number[];
        // 8-bit pixels become [0, 1] floats one batch at a time, inside the shared loop.
        const { values: features } = await runInference(model, { data: shard.x, shape: shard.xShape }, {
          batchSize: extractionBatchSize(model),
          onBatch: async (done, total) => {
            progress.report(done, total);
            await yieldToEventLoop();
          },
        });
        await writeShard(writer, 'features', { x: features, xShape: [n, ...featureShape], y: shard.y, numClasses: shard.numClasses });
        stageLog(`extract ${source.stage}/${source.name} → ${key.slice(0, 12)}: ${n} images, features ${featureShape.join('×')}`);
        return { meta: { featureShape } };
      },
    });
    return { outcome: run.outcome, key, seconds: run.seconds, shard: { stage: 'extract', key, name: 'features', count: source.count, offset: source.offset } };
  }

  return async function extractShards({ ctx, base, sources }: ExtractInput): Promise<ShardsResult> {
    return runShardGroup('extract', ctx, sources, (source, shardCtx, progress) => extractShard(shardCtx, base, source, progress));
  };
}

/** What identifies a model's content in later cache keys: its fingerprint when known, else its entry key. */
export function modelIdentity(ref: ModelRef): string {
  return ref.fingerprint ?? ref.key;
}

/**
 * Loads each cached model once per worker process: every shard of a run uses
 * the same base. `prepare` turns the loaded model into the one served (the
 * loaded one is then disposed; what `prepare` shares with it survives).
 */
export class ModelMemo {
  private readonly models = new Map<string, Promise<tf.LayersModel>>();
  constructor(private readonly env: StageEnv, private readonly prepare?: (model: tf.LayersModel) => tf.LayersModel) {}

  get(ref: ModelRef): Promise<tf.LayersModel> {
    const id = `${ref.stage}/${modelIdentity(ref)}`;
    let model = this.models.get(id);
    if (!model) {
      model = readModel(this.env.cache, ref.stage, ref.key).then((loaded) => this.served(loaded));
      model.catch(() => this.models.delete(id));
      // Keep a few: a worker serving many pipelines should not hold every base.
      if (this.models.size >= 4) {
        const [oldest] = this.models.keys();
        void this.models.get(oldest!)?.then((m) => m.dispose());
        this.models.delete(oldest!);
      }
      this.models.set(id, model);
    }
    return model;
  }

  private served(loaded: tf.LayersModel): tf.LayersModel {
    if (!this.prepare) return loaded;
    try {
      return this.prepare(loaded);
    } finally {
      loaded.dispose();
    }
  }
}
