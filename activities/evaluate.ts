import type * as tf from '@tensorflow/tfjs-node';
import { DataError } from '../lib/errors';
import { evaluatePredictions } from '../lib/models/evaluate';
import { predictClasses, type InferenceOptions } from '../lib/models/features';
import { predictClassesFlipAveraged } from '../lib/models/flip-tta';
import { cacheKey } from '../lib/store/cache-key';
import { writePredictions } from '../lib/stages/held-out';
import { readModel } from '../lib/stages/model-files';
import { concatArrays, shardInputs, shardPath, type ShardInput } from '../lib/stages/shards';
import { runCachedStage } from '../lib/stages/run-stage';
import { STAGE_CODE_VERSIONS } from '../lib/stages/versions';
import type { EvaluateInput, EvaluateResult, Evaluation } from './contracts';
import type { StageEnv } from './activity-context';
import { heartbeat, stageLog, yieldToEventLoop } from './activity-context';

const EVAL_BATCH = 256;

/**
 * Test-set metrics of one trained model (accuracy, per-class accuracy,
 * confusion matrix) and its per-image predictions. The test set streams
 * through a shard at a time: only the predicted and true class of each
 * image accumulate.
 */
export function createEvaluateActivity(env: StageEnv) {
  return async function evaluate({ ctx, model, inputs, test, classNames, tta = false, ttaSource }: EvaluateInput): Promise<EvaluateResult> {
    const flipFeatures = tta && inputs === 'features';
    if (flipFeatures && !ttaSource) throw new DataError('evaluate.tta on cached features needs the test images and the base that made them');
    const key = cacheKey({
      // Without TTA the key is what it was before TTA existed: those entries stay valid.
      stage: 'evaluate', config: tta ? { inputs, tta } : { inputs },
      upstream: [
        `${model.stage}/${model.key}`, ...test.map(shardPath),
        ...(flipFeatures && ttaSource ? ['|', `${ttaSource.base.stage}/${ttaSource.base.fingerprint ?? ttaSource.base.key}`, ...ttaSource.images.map(shardPath)] : []),
      ],
      codeVersion: STAGE_CODE_VERSIONS.evaluate,
    });
    const run = await runCachedStage<Evaluation>({
      cache: env.cache, stage: 'evaluate', key, noCache: ctx.noCache, log: stageLog,
      compute: async (writer) => {
        heartbeat({ stage: 'evaluate' });
        const total = test.reduce((sum, s) => sum + s.count, 0);
        const net = await readModel(env.cache, model.stage, model.key);
        const base = flipFeatures && ttaSource ? await readModel(env.cache, ttaSource.base.stage, ttaSource.base.key) : undefined;
        try {
          const predicted: Int32Array[] = [];
          const classes: Int32Array[] = [];
          // The images behind each feature shard, read in step with it.
          const images = base && ttaSource ? shardInputs(env.cache, ttaSource.images) : undefined;
          let done = 0;
          for await (const shard of shardInputs(env.cache, test)) {
            const options: InferenceOptions = {
              batchSize: EVAL_BATCH,
              onBatch: async (n) => {
                heartbeat({ stage: 'evaluate', done: done + n, total });
                await yieldToEventLoop();
              },
            };
            predicted.push(await predictShard(net, shard, tta, images && base ? { images: await nextImages(images, shard), base } : undefined, options));
            classes.push(shard.classes);
            done += shard.classes.length;
          }
          const all = concatArrays(predicted, (n) => new Int32Array(n));
          const result = evaluatePredictions(concatArrays(classes, (n) => new Int32Array(n)), all, classNames.length);
          // Publish pairs them with the champion's predictions on the same images.
          await writePredictions(writer, all);
          stageLog(`evaluate ${model.stage}: test accuracy ${(100 * result.accuracy).toFixed(2)}% on ${result.count} images${tta ? ' (flip TTA)' : ''}`);
          return { meta: { testAccuracy: result.accuracy, perClassAccuracy: result.perClassAccuracy, confusion: result.confusion, count: result.count } };
        } finally {
          net.dispose();
          base?.dispose();
        }
      },
    });
    return { outcome: run.outcome, key, seconds: run.seconds, evaluation: run.meta };
  };
}

/** One shard's predicted classes: plainly, or by flip TTA (on its images, or on the mirrored images through the base for features). */
async function predictShard(
  net: tf.LayersModel, shard: ShardInput, tta: boolean, features: { images: ShardInput; base: tf.LayersModel } | undefined, options: InferenceOptions,
): Promise<Int32Array> {
  if (!tta) return predictClasses(net, shard.input, options);
  if (!features) return predictClassesFlipAveraged(net, { input: shard.input }, options);
  return predictClassesFlipAveraged(net, { input: shard.input, images: features.images.input, base: features.base }, options);
}

async function nextImages(images: AsyncGenerator<ShardInput>, features: ShardInput): Promise<ShardInput> {
  const next = await images.next();
  const where = `${features.ref.stage}/${features.ref.key}/${features.ref.name}`;
  if (next.done) throw new DataError(`${where}: no test images left to mirror for these features`);
  if (next.value.classes.length !== features.classes.length) {
    throw new DataError(`${where}: ${features.classes.length} features but ${next.value.classes.length} images in ${next.value.ref.name}`);
  }
  return next.value;
}
