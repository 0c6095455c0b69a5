import * as tf from '@tensorflow/tfjs-node';
import { ModelError } from '../../errors';
import { guardFrozenBatchNorm } from '../batchnorm-guard';
import { orderedWeights } from '../layer-names';
import type { TrainSpec } from '../types';
import { disposeCheckpoint, type CheckpointStore, type NamedTensor, type TrainingCheckpoint } from './checkpoint';
import { earlyStoppingState } from './early-stopping';
import type { BatchLogs, EpochLogs } from './logs';
import { activeGroupCount, setActiveGroups, singleGroup, type LayerGroupPlan } from './layer-groups';
import { LinearSoftmaxStep, linearSoftmaxHead } from './linear-head';
import { CONSTANT_SCHEDULE, learningRateAt } from './lr-schedule';
import { argMaxHits, evaluateRows, exampleCrossEntropy } from './metrics';
import { applyMixes, mixingIsOn, planMixes, type TrainMixing } from './mixing';
import { makeOptimizer } from './optimizer';
import { TensorRows, type Rows } from './rows';
import { ModelStep, type TrainStep } from './steps';
import { classWeightVector, exampleWeights, smoothLabels } from './targets';

/** Training (and validation) rows as tensors in memory. */
export interface TensorTrainData {
  /** Inputs: cached features for head training, images for fine-tune / retrain. */
  readonly x: tf.Tensor;
  /** One-hot or soft labels, [n, numClasses]. */
  readonly y: tf.Tensor;
  readonly validation?: { readonly x: tf.Tensor; readonly y: tf.Tensor } | null;
}

/** Training (and validation) rows from a source that yields them an epoch at a time (a split streamed from its shards). */
export interface StreamedTrainData {
  readonly rows: Rows;
  readonly validation?: Rows | null;
}

export type TrainData = TensorTrainData | StreamedTrainData;

function trainRows(data: TrainData): { train: Rows; validation: Rows | null } {
  if ('rows' in data) return { train: data.rows, validation: data.validation ?? null };
  return { train: new TensorRows(data.x, data.y), validation: data.validation ? new TensorRows(data.validation.x, data.validation.y) : null };
}

export interface TrainCallbacks {
  onBatchEnd?(logs: BatchLogs): void | Promise<void>;
  /** Called after the epoch's checkpoint is saved. */
  onEpochEnd?(logs: EpochLogs): void | Promise<void>;
}

/** `train` (or fine-tune) settings plus run plumbing. */
export interface TrainOptions extends TrainSpec {
  /** Shuffle seed [0]; a resumed run keeps the checkpoint's seed. */
  readonly seed?: number;
  readonly callbacks?: TrainCallbacks;
  readonly checkpoints?: CheckpointStore | null;
  /** Continue from the latest checkpoint when there is one [true]. */
  readonly resume?: boolean;
  /** Stops between batches; the unfinished epoch is not checkpointed. */
  readonly signal?: AbortSignal;
  /** Train a linear softmax head with the fused step [true]; false forces the general step (tests compare the two). */
  readonly fused?: boolean;
  /** CutMix / MixUp drawn fresh every epoch [none]. */
  readonly mixing?: TrainMixing | null;
  /** Class names, for `classWeights` given by name [the class indices]. */
  readonly classNames?: readonly string[];
  /** Layer groups with their rates and unfreezing [one group of every trainable weight]. */
  readonly groups?: LayerGroupPlan;
}

export interface TrainResult {
  /** Every epoch's logs, those of a resumed-from run included. */
  readonly history: EpochLogs[];
  readonly stopReason: 'completed' | 'early-stopping' | 'aborted';
  /** Completed epochs found in the checkpoint, or null for a fresh run. */
  readonly resumedFromEpoch: number | null;
  /** When early stopping restored an earlier epoch's weights: that epoch (from 1). */
  readonly restoredFromEpoch?: number;
}

/** Per-row targets and weights that stay the same all run. */
interface Targets {
  /** One weight per class, or null for an unweighted loss. */
  readonly classWeights: tf.Tensor1D | null;
  readonly labelSmoothing: number;
  readonly mixing: TrainMixing | null;
}

/** A snapshot of the best epoch's weights, for early stopping's restore. */
type BestWeights = NonNullable<TrainingCheckpoint['best']>;

/**
 * The one training loop for head training and fine-tune / retrain. A fresh
 * optimizer each call (so unfreezing then calling again is a recompile). The
 * data stays native: each epoch's (seed, epoch)-keyed permutation gathers
 * chunks of rows, split into batches by one op; metrics are read once a
 * chunk, not once a batch (`onBatchEnd` hears each batch when its chunk is
 * done). The learning rate follows `lrSchedule` step by step; CutMix/MixUp,
 * label smoothing and class weights shape each chunk's targets. A linear
 * softmax head (fixed layers, then Dense softmax) under Adam or plain SGD
 * trains with a hand-derived fused step (`linear-head.ts`); any other model
 * with the general step (`steps.ts`), one optimizer per layer group. With
 * `checkpoints`, every epoch saves weights, optimizer state, history (and
 * the best epoch's weights when they are to be restored), from which a
 * later call resumes at the next epoch.
 */
export async function trainModel(model: tf.LayersModel, data: TrainData, opts: TrainOptions): Promise<TrainResult> {
  const { train, validation } = trainRows(data);
  checkData(model, data, train, opts);
  guardFrozenBatchNorm(model);
  if (model.trainableWeights.length === 0) throw new ModelError(`model '${model.name}' has no trainable weights`);
  const plan = opts.groups ?? singleGroup(model);
  const restoreBest = opts.earlyStopping?.restoreBestWeights === true;
  let seed = opts.seed ?? 0;
  let history: EpochLogs[] = [];
  let resumedFromEpoch: number | null = null;
  let best: BestWeights | undefined;
  let ckpt: TrainingCheckpoint | undefined;
  const targets: Targets = {
    classWeights: opts.classWeights ? await classWeightTensor(opts, train) : null,
    labelSmoothing: opts.labelSmoothing ?? 0,
    mixing: mixingIsOn(opts.mixing) ? opts.mixing : null,
  };
  if (opts.checkpoints && opts.resume !== false) ckpt = await opts.checkpoints.load();
  let trainer: TrainStep | undefined;
  try {
    if (ckpt !== undefined) {
      restoreWeights(model, ckpt, opts);
      history = [...ckpt.history];
      seed = ckpt.rng.seed;
      resumedFromEpoch = ckpt.epoch;
      if (restoreBest && ckpt.best) best = { epoch: ckpt.best.epoch, weights: ckpt.best.weights.map((w) => ({ name: w.name, tensor: w.tensor.clone() })) };
    }
    // Built after the weights are restored: the fused step reads them once.
    trainer = await makeStep(model, train, opts, plan, targets);
    if (ckpt !== undefined) await trainer.restoreOptimizer(ckpt.optimizer.weights);
  } catch (err) {
    trainer?.dispose();
    disposeBest(best);
    targets.classWeights?.dispose();
    throw err;
  } finally {
    if (ckpt !== undefined) disposeCheckpoint(ckpt);
  }
  const n = train.count;
  const stepsPerEpoch = Math.ceil(n / opts.batchSize);
  const rateAt = (step: number): number =>
    learningRateAt(opts.lrSchedule ?? CONSTANT_SCHEDULE, opts.learningRate, { step, stepsPerEpoch, epochs: opts.epochs });
  try {
    let stopReason: TrainResult['stopReason'] = 'completed';
    for (let epoch = history.length; epoch < opts.epochs; epoch++) {
      if (opts.earlyStopping && earlyStoppingState(history, opts.earlyStopping).stop) {
        stopReason = 'early-stopping';
        break;
      }
      const active = activeGroupCount(plan, epoch);
      if (plan.unfreezeEvery !== null) setActiveGroups(plan, active);
      trainer.activateGroups(active);
      const sums = await runEpoch(trainer, train, epoch, seed, opts, targets, (b) => rateAt(epoch * stepsPerEpoch + b));
      trainer.syncModel();
      if (sums === 'aborted') return { history, stopReason: 'aborted', resumedFromEpoch };
      let logs: EpochLogs = { epoch: epoch + 1, loss: sums.loss / n, acc: sums.hits / n, lr: rateAt(epoch * stepsPerEpoch) };
      if (validation) {
        const v = await evaluateRows(model, validation, opts.batchSize);
        logs = { ...logs, val_loss: v.loss, val_acc: v.acc };
      }
      history.push(logs);
      if (restoreBest && earlyStoppingState(history, opts.earlyStopping!).bestEpoch === logs.epoch) {
        disposeBest(best);
        best = { epoch: logs.epoch, weights: orderedWeights(model).map((w) => ({ name: w.originalName, tensor: w.read().clone() })) };
      }
      if (opts.checkpoints) await saveCheckpoint(opts.checkpoints, model, trainer, opts, history, seed, best);
      await opts.callbacks?.onEpochEnd?.(logs);
    }
    if (stopReason === 'completed' && opts.earlyStopping != null && earlyStoppingState(history, opts.earlyStopping).stop && history.length < opts.epochs) {
      stopReason = 'early-stopping';
    }
    if (plan.unfreezeEvery !== null) setActiveGroups(plan, plan.groups.length);
    const restoredFromEpoch = best !== undefined && best.epoch !== history.length ? best.epoch : undefined;
    if (restoredFromEpoch !== undefined) orderedWeights(model).forEach((w, i) => w.write(best!.weights[i]!.tensor));
    return { history, stopReason, resumedFromEpoch, ...(restoredFromEpoch !== undefined ? { restoredFromEpoch } : {}) };
  } finally {
    trainer.dispose();
    disposeBest(best);
    targets.classWeights?.dispose();
  }
}

function disposeBest(best: BestWeights | undefined): void {
  if (best) tf.dispose(best.weights.map((w) => w.tensor));
}

async function classWeightTensor(opts: TrainOptions, rows: Rows): Promise<tf.Tensor1D> {
  const counts = await rows.classCounts();
  const names = opts.classNames ?? counts.map((_, i) => String(i));
  return tf.tensor1d(classWeightVector(opts.classWeights!, names, counts));
}

async function makeStep(model: tf.LayersModel, rows: Rows, opts: TrainOptions, plan: LayerGroupPlan, targets: Targets): Promise<TrainStep> {
  // The fused step knows Adam and plain SGD on whole, unmixed rows (mixing acts before the head's fixed layers).
  const fusable = opts.fused !== false && plan.groups.length === 1 && targets.mixing === null
    && (opts.optimizer === 'adam' || (opts.optimizer === 'sgd' && !((opts.momentum ?? 0) > 0)));
  const head = fusable ? linearSoftmaxHead(model) : null;
  if (head !== null && await rows.labelsAreDistributions()) {
    makeOptimizer(opts).dispose(); // the same validation as the general path
    return new LinearSoftmaxStep(head, opts.optimizer, opts.learningRate);
  }
  const groups = plan.groups.map((g) => ({
    variables: g.weights.map((w) => w.read() as tf.Variable), optimizer: makeOptimizer(opts), lrFactor: g.lrFactor,
  }));
  return new ModelStep(model, groups);
}

/** Rows gathered at once: enough to amortize the per-chunk work, few enough to bound the copy. */
const CHUNK_BYTES = 32 * 1024 * 1024;
const MAX_CHUNK_BATCHES = 64;

/**
 * One epoch: chunks of rows (shuffled by seed and epoch), mixed and given
 * their targets, and split into batches, each batch one step at the rate
 * `rate(batch)`; each chunk's per-row loss and hits are read in one go,
 * then `onBatchEnd` hears its batches and the event loop gets a turn
 * (heartbeats, abort). Returns the epoch's sums, or 'aborted'.
 */
async function runEpoch(
  trainer: TrainStep, rows: Rows, epoch: number, seed: number, opts: TrainOptions, targets: Targets,
  rate: (batch: number) => number,
): Promise<{ loss: number; hits: number } | 'aborted'> {
  const rowBytes = 4 * rows.rowShape.reduce((a, b) => a * b, 1);
  const chunkBatches = Math.max(1, Math.min(MAX_CHUNK_BATCHES, Math.floor(CHUNK_BYTES / (rowBytes * opts.batchSize))));
  const spatial = rows.rowShape.length === 3 ? [rows.rowShape[0]!, rows.rowShape[1]!] as const : null;
  let loss = 0;
  let hits = 0;
  let position = 0;
  let batch = 0;
  for await (const chunk of rows.chunks(epoch, chunkBatches * opts.batchSize, seed)) {
    const count = chunk.x.shape[0]!;
    const sizes: number[] = [];
    for (let s = 0; s < count; s += opts.batchSize) sizes.push(Math.min(opts.batchSize, count - s));
    // Mixes are keyed by the row's place in the epoch, which the (seed, epoch) order fixes.
    const mixes = targets.mixing ? planMixes(targets.mixing, epoch, positions(position, count), sizes, spatial) : null;
    position += count;
    const { xs, ys, ws, yc } = tf.tidy(() => {
      let x = chunk.x;
      let y = chunk.y;
      if (mixes !== null && mixes.mixed > 0) ({ x, y } = applyMixes(x, y, mixes));
      const weights = targets.classWeights ? exampleWeights(y, targets.classWeights) : null;
      if (targets.labelSmoothing > 0) y = smoothLabels(y, targets.labelSmoothing);
      return { xs: tf.split(trainer.prepare(x), sizes), ys: tf.split(y, sizes), ws: weights ? tf.split(weights, sizes) : [], yc: y.clone() };
    });
    tf.dispose([chunk.x, chunk.y]);
    const probs: tf.Tensor[] = [];
    let stats: tf.Tensor;
    try {
      for (let b = 0; b < sizes.length; b++) {
        if (opts.signal?.aborted) return 'aborted';
        trainer.setLearningRate(rate(batch + b));
        probs.push(trainer.step(xs[b]!, ys[b]!, ws[b] ?? null));
      }
      stats = tf.tidy(() => {
        const p = tf.concat(probs, 0);
        return tf.stack([exampleCrossEntropy(yc, p), argMaxHits(yc, p)]);
      });
    } finally {
      tf.dispose([...xs, ...ys, ...ws, yc, ...probs]);
    }
    const values = await stats.data();
    stats.dispose();
    for (let b = 0, offset = 0; b < sizes.length; b++, batch++) {
      let l = 0;
      let h = 0;
      for (let i = offset; i < offset + sizes[b]!; i++) {
        l += values[i]!;
        h += values[count + i]!;
      }
      offset += sizes[b]!;
      loss += l;
      hits += h;
      await opts.callbacks?.onBatchEnd?.({ epoch: epoch + 1, batch, size: sizes[b]!, loss: l / sizes[b]!, acc: h / sizes[b]! });
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { loss, hits };
}

/** start, start + 1, …, start + count − 1. */
function positions(start: number, count: number): Int32Array {
  return Int32Array.from({ length: count }, (_, i) => start + i);
}

async function saveCheckpoint(
  store: CheckpointStore, model: tf.LayersModel, trainer: TrainStep, opts: TrainOptions,
  history: readonly EpochLogs[], seed: number, best: BestWeights | undefined,
): Promise<void> {
  // Live variables are only read; what else the optimizer state is made of is ours to free.
  const optWeights = await trainer.optimizerWeights();
  try {
    await store.save({
      epoch: history.length,
      weights: orderedWeights(model).map((w): NamedTensor => ({ name: w.originalName, tensor: w.read() })),
      optimizer: { name: opts.optimizer, weights: optWeights },
      history: [...history],
      rng: { seed },
      ...(best ? { best } : {}),
    });
  } finally {
    tf.dispose(optWeights.filter((w) => !(w.tensor instanceof tf.Variable)).map((w) => w.tensor));
  }
}

/** The checkpoint's model weights into `model`; its optimizer state goes to the step. */
function restoreWeights(model: tf.LayersModel, ckpt: TrainingCheckpoint, opts: TrainOptions): void {
  const weights = orderedWeights(model);
  const fits = ckpt.weights.length === weights.length
    && ckpt.weights.every((w, i) => tf.util.arraysEqual(w.tensor.shape, weights[i]!.shape as number[]));
  if (!fits) throw new ModelError(`checkpoint (epoch ${ckpt.epoch}) does not fit model '${model.name}'`);
  if (ckpt.optimizer.name !== opts.optimizer) {
    throw new ModelError(`checkpoint optimizer is ${ckpt.optimizer.name}, this run uses ${opts.optimizer}`);
  }
  ckpt.weights.forEach((w, i) => weights[i]!.write(w.tensor));
}

function checkData(model: tf.LayersModel, data: TrainData, rows: Rows, opts: TrainOptions): void {
  const n = rows.count;
  if (!n) throw new ModelError('trainModel: no training examples');
  if (!('rows' in data)) {
    if (data.y.shape[0] !== n) throw new ModelError(`trainModel: ${n} inputs but ${data.y.shape[0]} labels`);
    const classes = model.outputs[0]!.shape[model.outputs[0]!.shape.length - 1];
    if (data.y.rank !== 2 || data.y.shape[1] !== classes) {
      throw new ModelError(`trainModel: labels must be [n, ${classes}] (one-hot or soft), got [${data.y.shape.join(', ')}]`);
    }
  }
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new ModelError(`batchSize must be ≥ 1`);
  if (!Number.isInteger(opts.epochs) || opts.epochs < 1) throw new ModelError(`epochs must be ≥ 1`);
}
