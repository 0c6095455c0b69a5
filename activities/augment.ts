import { augmentBatch } from '../lib/augment/augment-batch';
import { augmentIsIdentity, checkAugmentConfig } from '../lib/augment/config';
import type { AugmentConfig } from '../lib/augment/types';
import { cacheKey } from '../lib/store/cache-key';
import { labelIndices, pixelBytes, readShard, writeShard } from '../lib/stages/shards';
import { runCachedStage } from '../lib/stages/run-stage';
import { STAGE_CODE_VERSIONS } from '../lib/stages/versions';
import type { AugmentInput, RunContext, ShardRef, ShardsResult } from './contracts';
import type { StageEnv } from './activity-context';
import { stageLog } from './activity-context';
import type { ShardProgress, ShardRun } from './shard-group';
import { runShardGroup } from './shard-group';

/**
 * Augments a group of training shards, one after another: `copies`
 * transformed copies per image, each shard cached under a key of (augment
 * config, source shard). The same seed gives the same pixels in any
 * process. CutMix and MixUp are not made here: the training stages draw
 * them fresh every epoch (lib/models/train/mixing.ts).
 */
export function createAugmentActivity(env: StageEnv) {
  async function augmentShard(ctx: RunContext, config: AugmentConfig, source: ShardRef, numClasses: number, progress: ShardProgress): Promise<ShardRun> {
    const key = cacheKey({ stage: 'augment', config, upstream: [`${source.key}/${source.name}`], codeVersion: STAGE_CODE_VERSIONS.augment });
    if (config.copies === 0 || augmentIsIdentity(config)) {
      return { outcome: 'skipped', key, seconds: 0 }; // nothing to make
    }
    progress.report(0, source.count);
    const run = await runCachedStage<{ count: number }>({
      cache: env.cache, stage: 'augment', key, noCache: ctx.noCache, log: stageLog,
      compute: async (writer) => {
        const shard = await readShard(env.cache, source);
        const [n, height, width, channels] = shard.xShape as [number, number, number, number];
        const labels = labelIndices(shard.y, shard.numClasses); // ingested shards carry one-hot labels; augmentation wants classes
        const out = augmentBatch({ images: shard.x, labels, height, width, channels }, config, { numClasses, indexOffset: source.offset });
        await writeShard(writer, 'augmented', {
          x: pixelBytes(out.images), xShape: [out.count, height, width, channels], y: out.labels, numClasses,
        });
        stageLog(`augment ${source.name}: ${n} images → ${out.count} augmented copies`);
        return { meta: { count: out.count } };
      },
    });
    return {
      outcome: run.outcome, key, seconds: run.seconds,
      shard: { stage: 'augment', key, name: 'augmented', count: run.meta.count, offset: source.offset },
    };
  }

  return async function augmentShards({ ctx, augment, sources, numClasses }: AugmentInput): Promise<ShardsResult> {
    // The spec's section, every field set: nothing to fill. Without the mixes, whose settings then do not key the copies.
    const config = { ...checkAugmentConfig(augment), cutmix: null, mixup: null };
    return runShardGroup('augment', ctx, sources, (source, shardCtx, progress) => augmentShard(shardCtx, config, source, numClasses, progress));
  };
}
