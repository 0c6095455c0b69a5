import type * as tf from '@tensorflow/tfjs-node';
import { buildBase } from '../lib/models/build-base';
import { buildHead } from '../lib/models/head';
import { composeModel } from '../lib/models/compose';
import { setModelTrainable, unfreezeTop } from '../lib/models/freeze';
import { planLayerGroups, type LayerGroupPlan } from '../lib/models/train/layer-groups';
import { mixingIsOn, type TrainMixing } from '../lib/models/train/mixing';
import { trainModel } from '../lib/models/train/train-model';
import type { EpochLogs } from '../lib/models/train/logs';
import { ObjectStoreCheckpointStore } from '../lib/models/train/store-checkpoints';
import type { TrainSpec } from '../lib/models/types';
import type { PipelineSpec } from '../pipelines/schema';
import { cacheKey } from '../lib/store/cache-key';
import { readModel, writeModel } from '../lib/stages/model-files';
import { openRows, trainMemoryBudgetBytes, type OpenedRows } from '../lib/stages/shard-rows';
import { shardPath } from '../lib/stages/shards';
import { runCachedStage } from '../lib/stages/run-stage';
import { STAGE_CODE_VERSIONS } from '../lib/stages/versions';
import type { EpochMetrics, RunContext, ShardRef, StageName, TrainHeadInput, TrainImagesInput, TrainResult } from './contracts';
import type { StageEnv } from './activity-context';
import { attempt, heartbeat, stageLog, withHeartbeats, yieldToEventLoop } from './activity-context';
import { modelIdentity } from './extract';

interface TrainMeta {
  history: EpochMetrics[];
  resumedFromEpoch: number | null;
}

/** Trains the new head on cached features: epochs cost a dense layer, not a conv net. */
export function createTrainHeadActivity(env: StageEnv) {
  return async function trainHead({ ctx, spec, base, numClasses, classNames, train, validation }: TrainHeadInput): Promise<TrainResult> {
    const mixing = trainMixing(spec);
    const key = cacheKey({
      stage: 'train-head', config: { head: spec.head, train: spec.train, seed: spec.dataset.split.seed, numClasses, ...(mixing ? { mixing } : {}) },
      upstream: [base.fingerprint, ...train.map(shardPath), '|', ...validation.map(shardPath)], codeVersion: STAGE_CODE_VERSIONS['train-head'],
    });
    return fitStage(env, ctx, 'train-head', key, async () => {
      const baseModel = await readModel(env.cache, 'base', base.key);
      const avoidNames = baseModel.layers.map((l) => l.name);
      baseModel.dispose();
      return { model: buildHead(base.featureShape, spec.head, numClasses, { avoidNames }) };
    }, { train, validation, spec: spec.train, seed: spec.dataset.split.seed, mixing, classNames, rowShape: base.featureShape });
  };
}

/**
 * Trains on images: fine-tuning (base + trained head, top layers unfrozen,
 * low learning rate) or, without `start`, the whole network from random
 * weights (`mode: retrain`).
 */
export function createTrainImagesActivity(env: StageEnv) {
  return async function trainImages({ ctx, spec, numClasses, classNames, train, validation, start }: TrainImagesInput): Promise<TrainResult> {
    const stage: StageName = start ? 'fine-tune' : 'train';
    const fineTune = spec.fineTune;
    if (start && !fineTune) throw new Error('trainImages was given a start model but the spec has no fineTune section');
    const settings: TrainSpec = start && fineTune
      ? { ...spec.train, epochs: fineTune.epochs, learningRate: fineTune.learningRate, batchSize: fineTune.batchSize }
      : spec.train;
    const mixing = trainMixing(spec);
    const key = cacheKey({
      stage,
      config: {
        ...(start ? { fineTune, train: settings, seed: spec.dataset.split.seed } : { base: spec.base, head: spec.head, train: settings, seed: spec.dataset.split.seed, numClasses }),
        ...(mixing ? { mixing } : {}),
      },
      upstream: [...(start ? [modelIdentity(start.base), start.head.key] : []), ...train.map(shardPath), '|', ...validation.map(shardPath)],
      codeVersion: STAGE_CODE_VERSIONS[stage],
    });
    return fitStage(env, ctx, stage, key, async () => {
      if (start && fineTune) {
        const base = await readModel(env.cache, start.base.stage, start.base.key);
        const head = await readModel(env.cache, start.head.stage, start.head.key);
        const unfrozen = unfreezeTop(base, fineTune);
        stageLog(`fine-tune: unfroze ${unfrozen.length} base layer(s): ${unfrozen.join(', ')}`);
        const model = composeModel(base, head);
        const groups = planLayerGroups(model, {
          baseLayers: unfrozen, count: fineTune.layerGroups, lrFactor: fineTune.groupLrFactor, unfreezeEvery: fineTune.unfreezeEvery,
        });
        if (groups.groups.length > 1) stageLog(`fine-tune: ${groups.groups.length} layer groups, ${describeGroups(groups)}`);
        return { model, groups };
      }
      const base = await buildBase(spec.base, 'retrain', { store: env.store });
      setModelTrainable(base, true);
      const head = buildHead(base.outputs[0]!.shape.slice(1), spec.head, numClasses, { avoidNames: base.layers.map((l) => l.name) });
      return { model: composeModel(base, head) };
    }, { train, validation, spec: settings, seed: spec.dataset.split.seed, mixing, classNames, rowShape: [...spec.dataset.imageSize, spec.dataset.channels] });
  };
}

interface FitData {
  readonly train: readonly ShardRef[];
  readonly validation: readonly ShardRef[];
  readonly spec: TrainSpec;
  readonly seed: number;
  readonly mixing: TrainMixing | null;
  readonly classNames: readonly string[] | undefined;
  /** One training row's shape: the base's features, or the images. */
  readonly rowShape: readonly number[];
}

/** What a training stage trains: the model, and its layer groups when a fine-tune has several. */
interface FitModel {
  readonly model: tf.LayersModel;
  readonly groups?: LayerGroupPlan;
}

/** The spec's CutMix / MixUp, drawn fresh every epoch by the training loop; null when neither is on. */
function trainMixing(spec: PipelineSpec): TrainMixing | null {
  const mixing = { cutmix: spec.augment.cutmix, mixup: spec.augment.mixup, seed: spec.augment.seed };
  return mixingIsOn(mixing) ? mixing : null;
}

function describeGroups(plan: LayerGroupPlan): string {
  return plan.groups.map((g, i) => `group ${i}: ${g.layers.length} layer(s) at ×${g.lrFactor.toPrecision(3)}`).join(', ');
}

/**
 * The shared body of the training stages: cached result, or train with a
 * checkpoint every epoch under `checkpoints/<stage>/<key>/`, which is where a
 * retried activity (or a resumed run) continues from, until the model is committed.
 */
async function fitStage(
  env: StageEnv, ctx: RunContext, stage: StageName, key: string, build: () => Promise<FitModel>, data: FitData,
): Promise<TrainResult> {
  const checkpoints = new ObjectStoreCheckpointStore(env.store, `checkpoints/${stage}/${key}`, stageLog);
  const run = await runCachedStage<TrainMeta>({
    cache: env.cache, stage, key, noCache: ctx.noCache, log: stageLog,
    compute: async (writer) => {
      // --no-cache means "train again", but only on the first attempt: a retry continues.
      const resume = !(ctx.noCache && attempt() === 1);
      if (!resume) await checkpoints.clear();
      const opened: OpenedRows[] = [];
      let model: tf.LayersModel | undefined;
      try {
        const loading = { stage };
        // Held in memory up to the budget, else streamed from the shards every epoch.
        const budget = trainMemoryBudgetBytes();
        const trainSet = await withHeartbeats(loading, openRows(env.cache, data.train, data.rowShape, budget));
        opened.push(trainSet);
        const validationSet = data.validation.length > 0 ? await withHeartbeats(loading, openRows(env.cache, data.validation, data.rowShape, budget)) : undefined;
        if (validationSet) opened.push(validationSet);
        if (!trainSet.inMemory) stageLog(`${stage}: ${trainSet.rows.count} rows are over the training memory budget (GRAFT_TRAIN_MEMORY_MB), streamed from their shards every epoch`);
        const built = await withHeartbeats(loading, build());
        model = built.model;
        const batches = Math.ceil(trainSet.rows.count / data.spec.batchSize);
        const result = await trainModel(model, { rows: trainSet.rows, validation: validationSet?.rows ?? null }, {
          ...data.spec, seed: data.seed, checkpoints, resume, mixing: data.mixing,
          ...(data.classNames ? { classNames: data.classNames } : {}), ...(built.groups ? { groups: built.groups } : {}),
          callbacks: {
            onBatchEnd: async (logs) => {
              heartbeat({ stage, epoch: logs.epoch, epochs: data.spec.epochs, batch: logs.batch + 1, batches, loss: logs.loss });
              await yieldToEventLoop();
            },
            onEpochEnd: (logs) => {
              heartbeat({ stage, epoch: logs.epoch, epochs: data.spec.epochs, batch: batches, batches, loss: logs.loss });
              stageLog(`${stage} epoch ${logs.epoch}/${data.spec.epochs}: ${formatEpoch(logs)}`);
            },
          },
        });
        if (result.resumedFromEpoch !== null) stageLog(`${stage}: resumed from the checkpoint of epoch ${result.resumedFromEpoch}`);
        if (result.restoredFromEpoch !== undefined) stageLog(`${stage}: kept the weights of epoch ${result.restoredFromEpoch}, the best on ${data.spec.earlyStopping!.monitor}`);
        await writeModel(writer, model);
        return { meta: { history: result.history.map(toMetrics), resumedFromEpoch: result.resumedFromEpoch }, resumed: result.resumedFromEpoch !== null };
      } finally {
        for (const rows of opened) rows.dispose();
        model?.dispose();
      }
    },
  });
  // The committed model supersedes the checkpoints; a later run that misses the cache trains afresh.
  if (run.outcome !== 'cached') await checkpoints.clear();
  return {
    outcome: run.outcome, key, seconds: run.seconds, model: { stage, key }, history: run.meta.history,
    ...(run.meta.resumedFromEpoch !== null ? { resumedFromEpoch: run.meta.resumedFromEpoch } : {}),
  };
}

function toMetrics(logs: EpochLogs): EpochMetrics {
  return {
    epoch: logs.epoch, loss: logs.loss, acc: logs.acc,
    ...(logs.val_loss !== undefined ? { valLoss: logs.val_loss } : {}),
    ...(logs.val_acc !== undefined ? { valAcc: logs.val_acc } : {}),
    ...(logs.lr !== undefined ? { learningRate: logs.lr } : {}),
  };
}

function formatEpoch(logs: EpochLogs): string {
  const parts = [`loss ${logs.loss.toFixed(4)}`, `acc ${logs.acc.toFixed(4)}`];
  if (logs.val_loss !== undefined) parts.push(`val_loss ${logs.val_loss.toFixed(4)}`);
  if (logs.val_acc !== undefined) parts.push(`val_acc ${logs.val_acc.toFixed(4)}`);
  if (logs.lr !== undefined) parts.push(`lr ${logs.lr.toExponential(2)}`);
  return parts.join('  ');
}
