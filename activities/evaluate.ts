import { evaluatePredictions } from '../lib/models/evaluate';
import { predictClasses } from '../lib/models/features';
import { cacheKey } from '../lib/store/cache-key';
import { writePredictions } from '../lib/stages/held-out';
import { readModel } from '../lib/stages/model-files';
import { readShardsAsOne } from '../lib/stages/shards';
import { runCachedStage } from '../lib/stages/run-stage';
import { STAGE_CODE_VERSIONS } from '../lib/stages/versions';
import type { EvaluateInput, EvaluateResult, Evaluation } from './contracts';
import type { StageEnv } from './activity-context';
import { heartbeat, stageLog, yieldToEventLoop } from './activity-context';

const EVAL_BATCH = 256;

/** Test-set metrics of one trained model (accuracy, per-class accuracy, confusion matrix) and its per-image predictions. */
export function createEvaluateActivity(env: StageEnv) {
  return async function evaluate({ ctx, model, inputs, test, classNames }: EvaluateInput): Promise<EvaluateResult> {
    const key = cacheKey({
      stage: 'evaluate', config: { inputs }, upstream: [`${model.stage}/${model.key}`, ...test.map((s) => `${s.stage}/${s.key}/${s.name}`)],
      codeVersion: STAGE_CODE_VERSIONS.evaluate,
    });
    const run = await runCachedStage<Evaluation>({
      cache: env.cache, stage: 'evaluate', key, noCache: ctx.noCache, log: stageLog,
      compute: async (writer) => {
        heartbeat({ stage: 'evaluate' });
        const data = await readShardsAsOne(env.cache, test);
        const net = await readModel(env.cache, model.stage, model.key);
        try {
          const predicted = await predictClasses(net, data.input, {
            batchSize: EVAL_BATCH,
            onBatch: async (done, total) => {
              heartbeat({ stage: 'evaluate', done, total });
              await yieldToEventLoop();
            },
          });
          const result = evaluatePredictions(data.classes, predicted, classNames.length);
          // Publish pairs them with the champion's predictions on the same images.
          await writePredictions(writer, predicted);
          stageLog(`evaluate ${model.stage}: test accuracy ${(100 * result.accuracy).toFixed(2)}% on ${result.count} images`);
          return { meta: { testAccuracy: result.accuracy, perClassAccuracy: result.perClassAccuracy, confusion: result.confusion, count: result.count } };
        } finally {
          net.dispose();
        }
      },
    });
    return { outcome: run.outcome, key, seconds: run.seconds, evaluation: run.meta };
  };
}
