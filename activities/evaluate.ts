import * as tf from '@tensorflow/tfjs-node';
import { DataError } from '../lib/errors';
import { evaluatePredictions } from '../lib/models/evaluate';
import { predictClasses, type ArraySource } from '../lib/models/features';
import { cacheKey } from '../lib/store/cache-key';
import { readModel } from '../lib/stages/model-files';
import { readShard, type ShardLocation } from '../lib/stages/shards';
import type { StageCache } from '../lib/store/cache';
import { runCachedStage } from '../lib/stages/run-stage';
import { STAGE_CODE_VERSIONS } from '../lib/stages/versions';
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
        const data = await readTestSet(env.cache, test);
        const net = await readModel(env.cache, model.stage, model.key);
        try {
          const predicted = await predictClasses(net, data.input, {
            batchSize: EVAL_BATCH,
            onBatch: async (done, total) => {
              heartbeat({ stage: 'evaluate', done, total });
              await yieldToEventLoop();
            },
          });
          const result = evaluatePredictions(data.truth, predicted, classNames.length);
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

/**
 * The test shards as one input for the inference loop, kept as they are
 * stored (8-bit images stay 8-bit until their batch runs), and the true class
 * of each sample.
 */
async function readTestSet(cache: StageCache, refs: readonly ShardLocation[]): Promise<{ input: ArraySource; truth: Int32Array }> {
  const xs: (Uint8Array | Float32Array)[] = [];
  const truths: Int32Array[] = [];
  let sampleShape: readonly number[] | undefined;
  for (const ref of refs) {
    const shard = await readShard(cache, ref);
    const count = shard.xShape[0] ?? 0;
    if (count === 0) continue;
    const shape = shard.xShape.slice(1);
    const where = `${ref.stage}/${ref.key}/${ref.name}`;
    if (sampleShape && shape.join('×') !== sampleShape.join('×')) throw new DataError(`${where}: samples of shape ${shape.join('×')}, others ${sampleShape.join('×')}`);
    if (xs.length > 0 && shard.x.constructor !== xs[0]!.constructor) throw new DataError(`${where}: mixes 8-bit images and float features with the other test shards`);
    sampleShape = shape;
    xs.push(shard.x);
    const t = tf.tidy(() => tf.argMax(tf.tensor2d(shard.y, [count, shard.numClasses]), -1));
    truths.push(Int32Array.from(t.dataSync()));
    t.dispose();
  }
  if (xs.length === 0) throw new DataError(`no samples in ${refs.map((r) => `${r.stage}/${r.key}/${r.name}`).join(', ') || 'an empty shard list'}`);
  const truth = concat(truths, (n) => new Int32Array(n));
  const data = xs[0] instanceof Uint8Array ? concat(xs as Uint8Array[], (n) => new Uint8Array(n)) : concat(xs as Float32Array[], (n) => new Float32Array(n));
  return { input: { data, shape: [truth.length, ...sampleShape!] }, truth };
}

function concat<T extends Uint8Array | Float32Array | Int32Array>(parts: readonly T[], alloc: (length: number) => T): T {
  if (parts.length === 1) return parts[0]!;
  const out = alloc(parts.reduce((a, p) => a + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
