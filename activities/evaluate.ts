import * as tf from '@tensorflow/tfjs-node';
import { evaluatePredictions } from '../lib/models/evaluate';
import { cacheKey } from '../lib/store/cache-key';
import { readModel } from '../lib/pipeline/model-files';
import { loadShardTensors } from '../lib/pipeline/shards';
import { runCachedStage } from '../lib/pipeline/run-stage';
import { STAGE_CODE_VERSIONS } from '../lib/pipeline/versions';
import type { EvaluateInput, EvaluateResult, Evaluation } from './contracts';
import type { StageEnv } from './activity-context';
import { heartbeat, stageLog, yieldToEventLoop } from './activity-context';

const EVAL_BATCH = 256;

/** Test-set metrics of one trained model: accuracy, per-class accuracy, confusion matrix. */
export function createEvaluateActivity(env: StageEnv) {
  return async function evaluate({ ctx, model, inputs, test, classNames }: EvaluateInput): Promise<EvaluateResult> {
    const key = cacheKey({
      stage: 'evaluate', config: { inputs }, upstream: [`${model.stage}/${model.key}`, ...test.map((s) => `${s.stage}/${s.key}/${s.name}`)],
      codeVersion: STAGE_CODE_VERSIONS.evaluate,
    });
    const run = await runCachedStage<Evaluation>({
      cache: env.cache, stage: 'evaluate', key, noCache: ctx.noCache, log: stageLog,
      compute: async () => {
        heartbeat({ stage: 'evaluate' });
        const data = await loadShardTensors(env.cache, test);
        const net = await readModel(env.cache, model.stage, model.key).catch((err: unknown) => {
          tf.dispose([data.x, data.y]);
          throw err;
        });
        try {
          const truth = new Int32Array(data.count);
          const predicted = new Int32Array(data.count);
          for (let start = 0; start < data.count; start += EVAL_BATCH) {
            const size = Math.min(EVAL_BATCH, data.count - start);
            const [t, p] = tf.tidy(() => [
              tf.argMax(data.y.slice(start, size), -1),
              tf.argMax(net.apply(data.x.slice(start, size), { training: false }) as tf.Tensor, -1),
            ]);
            truth.set(t!.dataSync(), start);
            predicted.set(p!.dataSync(), start);
            tf.dispose([t!, p!]);
            heartbeat({ stage: 'evaluate', done: start + size, total: data.count });
            await yieldToEventLoop();
          }
          const result = evaluatePredictions(truth, predicted, classNames.length);
          stageLog(`evaluate ${model.stage}: test accuracy ${(100 * result.accuracy).toFixed(2)}% on ${result.count} images`);
          return { meta: { testAccuracy: result.accuracy, perClassAccuracy: result.perClassAccuracy, confusion: result.confusion, count: result.count } };
        } finally {
          tf.dispose([data.x, data.y]);
          net.dispose();
        }
      },
    });
    return { outcome: run.outcome, key, seconds: run.seconds, evaluation: run.meta };
  };
}
