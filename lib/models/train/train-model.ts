import * as tf from '@tensorflow/tfjs-node';
import { ModelError } from '../../errors';
import { guardFrozenBatchNorm } from '../batchnorm-guard';
import { orderedWeights } from '../layer-names';
import type { TrainSpec } from '../types';
import { disposeCheckpoint, type CheckpointStore, type NamedTensor, type TrainingCheckpoint } from './checkpoint';
import { earlyStoppingState } from './early-stopping';
import type { BatchLogs, EpochLogs } from './logs';
import { LinearSoftmaxStep, labelsAreDistributions, linearSoftmaxHead } from './linear-head';
import { argMaxHits, evaluateModel, exampleCrossEntropy } from './metrics';
import { makeOptimizer } from './optimizer';
import { epochPermutation } from './rng';
import { ModelStep, type TrainStep } from './steps';

export interface TrainData {
  /** Inputs: cached features for head training, images for fine-tune / retrain. */
  readonly x: tf.Tensor;
  /** One-hot or soft labels, [n, numClasses]. */
  readonly y: tf.Tensor;
  readonly validation?: { readonly x: tf.Tensor; readonly y: tf.Tensor } | null;
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
  /** Train a linear softmax head with the fused step [true]; false forces `optimizer.minimize` (tests compare the two). */
  readonly fused?: boolean;
}

export interface TrainResult {
  /** Every epoch's logs, those of a resumed-from run included. */
  readonly history: EpochLogs[];
  readonly stopReason: 'completed' | 'early-stopping' | 'aborted';
  /** Completed epochs found in the checkpoint, or null for a fresh run. */
  readonly resumedFromEpoch: number | null;
}

/**
 * The one training loop for head training and fine-tune / retrain. A fresh
 * optimizer each call (so unfreezing then calling again is a recompile). The
 * data stays native: each epoch's (seed, epoch)-keyed permutation gathers
 * chunks of rows, split into batches by one op; metrics are read once a
 * chunk, not once a batch (`onBatchEnd` hears each batch when its chunk is
 * done). A linear softmax head (fixed layers, then Dense softmax) trains with
 * a hand-derived fused step (`linear-head.ts`); any other model with
 * `optimizer.minimize`, the forward pass with `training: true` for Dropout,
 * guarded BN layers of frozen parts in inference mode. With `checkpoints`,
 * every epoch saves weights, optimizer state and history, from which a later
 * call resumes at the next epoch.
 */
export async function trainModel(model: tf.LayersModel, data: TrainData, opts: TrainOptions): Promise<TrainResult> {
  checkData(model, data, opts);
  guardFrozenBatchNorm(model);
  if (model.trainableWeights.length === 0) throw new ModelError(`model '${model.name}' has no trainable weights`);
  let seed = opts.seed ?? 0;
  let history: EpochLogs[] = [];
  let resumedFromEpoch: number | null = null;
  let ckpt: TrainingCheckpoint | undefined;
  if (opts.checkpoints && opts.resume !== false) ckpt = await opts.checkpoints.load();
  let trainer: TrainStep | undefined;
  try {
    if (ckpt !== undefined) {
      restoreWeights(model, ckpt, opts);
      history = [...ckpt.history];
      seed = ckpt.rng.seed;
      resumedFromEpoch = ckpt.epoch;
    }
    // Built after the weights are restored: the fused step reads them once.
    trainer = makeStep(model, data, opts);
    if (ckpt !== undefined) await trainer.restoreOptimizer(ckpt.optimizer.weights);
  } catch (err) {
    trainer?.dispose();
    throw err;
  } finally {
    if (ckpt !== undefined) disposeCheckpoint(ckpt);
  }
  try {
    const n = data.x.shape[0]!;
    for (let epoch = history.length; epoch < opts.epochs; epoch++) {
      if (opts.earlyStopping && earlyStoppingState(history, opts.earlyStopping).stop) {
        return { history, stopReason: 'early-stopping', resumedFromEpoch };
      }
      const sums = await runEpoch(trainer, data.y, epoch, epochPermutation(n, seed, epoch), opts);
      if (sums === 'aborted') {
        trainer.syncModel();
        return { history, stopReason: 'aborted', resumedFromEpoch };
      }
      trainer.syncModel();
      let logs: EpochLogs = { epoch: epoch + 1, loss: sums.loss / n, acc: sums.hits / n };
      if (data.validation) {
        const v = await evaluateModel(model, data.validation.x, data.validation.y, opts.batchSize);
        logs = { ...logs, val_loss: v.loss, val_acc: v.acc };
      }
      history.push(logs);
      if (opts.checkpoints) await saveCheckpoint(opts.checkpoints, model, trainer, opts, history, seed);
      await opts.callbacks?.onEpochEnd?.(logs);
    }
    const stopped = opts.earlyStopping != null && earlyStoppingState(history, opts.earlyStopping).stop
      && history.length < opts.epochs;
    return { history, stopReason: stopped ? 'early-stopping' : 'completed', resumedFromEpoch };
  } finally {
    trainer.dispose();
  }
}

function makeStep(model: tf.LayersModel, data: TrainData, opts: TrainOptions): TrainStep {
  const head = opts.fused === false || opts.optimizer === 'rmsprop' ? null : linearSoftmaxHead(model);
  if (head !== null && labelsAreDistributions(data.y)) {
    makeOptimizer(opts.optimizer, opts.learningRate).dispose(); // the same validation as the general path
    return new LinearSoftmaxStep(head, data.x, opts.optimizer, opts.learningRate);
  }
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  return new ModelStep(model, data.x, makeOptimizer(opts.optimizer, opts.learningRate), variables);
}

/** Rows gathered at once: enough to amortize the per-chunk work, few enough to bound the copy. */
const CHUNK_BYTES = 32 * 1024 * 1024;
const MAX_CHUNK_BATCHES = 64;

/**
 * One epoch: chunks of the permutation gathered natively and split into
 * batches, each batch one step; each chunk's per-row loss and hits are read
 * in one go, then `onBatchEnd` hears its batches and the event loop gets a
 * turn (heartbeats, abort). Returns the epoch's sums, or 'aborted'.
 */
async function runEpoch(
  trainer: TrainStep, y: tf.Tensor, epoch: number, perm: Int32Array, opts: TrainOptions,
): Promise<{ loss: number; hits: number } | 'aborted'> {
  const n = perm.length;
  const rowBytes = 4 * trainer.input.shape.slice(1).reduce((a, b) => a * (b ?? 1), 1);
  const chunkBatches = Math.max(1, Math.min(MAX_CHUNK_BATCHES, Math.floor(CHUNK_BYTES / (rowBytes * opts.batchSize))));
  const chunkRows = chunkBatches * opts.batchSize;
  let loss = 0;
  let hits = 0;
  for (let start = 0, batch = 0; start < n; start += chunkRows) {
    const end = Math.min(n, start + chunkRows);
    const sizes: number[] = [];
    for (let s = start; s < end; s += opts.batchSize) sizes.push(Math.min(opts.batchSize, end - s));
    const [xs, ys, yc] = tf.tidy(() => {
      const idx = tf.tensor1d(perm.subarray(start, end), 'int32');
      const rows = tf.gather(y, idx);
      const xRows = trainer.prepare(tf.gather(trainer.input, idx));
      return [tf.split(xRows, sizes), tf.split(rows, sizes), rows] as const;
    });
    const probs: tf.Tensor[] = [];
    let stats: tf.Tensor;
    try {
      for (let b = 0; b < sizes.length; b++) {
        if (opts.signal?.aborted) return 'aborted';
        probs.push(trainer.step(xs[b]!, ys[b]!));
      }
      stats = tf.tidy(() => {
        const p = tf.concat(probs, 0);
        return tf.stack([exampleCrossEntropy(yc, p), argMaxHits(yc, p)]);
      });
    } finally {
      tf.dispose([...xs, ...ys, yc, ...probs]);
    }
    const values = await stats.data();
    stats.dispose();
    const rows = end - start;
    for (let b = 0, offset = 0; b < sizes.length; b++, batch++) {
      let l = 0;
      let h = 0;
      for (let i = offset; i < offset + sizes[b]!; i++) {
        l += values[i]!;
        h += values[rows + i]!;
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

async function saveCheckpoint(
  store: CheckpointStore, model: tf.LayersModel, trainer: TrainStep, opts: TrainOptions,
  history: readonly EpochLogs[], seed: number,
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

function checkData(model: tf.LayersModel, data: TrainData, opts: TrainOptions): void {
  const n = data.x.shape[0];
  if (!n) throw new ModelError('trainModel: no training examples');
  if (data.y.shape[0] !== n) throw new ModelError(`trainModel: ${n} inputs but ${data.y.shape[0]} labels`);
  const classes = model.outputs[0]!.shape[model.outputs[0]!.shape.length - 1];
  if (data.y.rank !== 2 || data.y.shape[1] !== classes) {
    throw new ModelError(`trainModel: labels must be [n, ${classes}] (one-hot or soft), got [${data.y.shape.join(', ')}]`);
  }
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new ModelError(`batchSize must be ≥ 1`);
  if (!Number.isInteger(opts.epochs) || opts.epochs < 1) throw new ModelError(`epochs must be ≥ 1`);
}
