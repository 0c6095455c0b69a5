import * as tf from '@tensorflow/tfjs-node';
import { ModelError } from '../../errors';
import { guardFrozenBatchNorm } from '../batchnorm-guard';
import { orderedWeights } from '../layer-names';
import type { TrainSpec } from '../types';
import { disposeCheckpoint, type CheckpointStore, type NamedTensor, type TrainingCheckpoint } from './checkpoint';
import { earlyStoppingState } from './early-stopping';
import type { BatchLogs, EpochLogs } from './logs';
import { argMaxAccuracy, crossEntropy, evaluateModel } from './metrics';
import { makeOptimizer } from './optimizer';
import { epochPermutation } from './rng';

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
}

export interface TrainResult {
  /** Every epoch's logs, those of a resumed-from run included. */
  readonly history: EpochLogs[];
  readonly stopReason: 'completed' | 'early-stopping' | 'aborted';
  /** Completed epochs found in the checkpoint, or null for a fresh run. */
  readonly resumedFromEpoch: number | null;
}

/**
 * The one training loop for head training and fine-tune / retrain. It uses
 * `optimizer.minimize` over the model's trainable weights as they are when
 * called (so unfreezing then calling again is a recompile), with a fresh
 * optimizer. The forward pass runs with `training: true` for Dropout, while
 * guarded BN layers of frozen parts stay in inference mode. Each epoch
 * shuffles with a (seed, epoch)-keyed permutation and, with `checkpoints`,
 * saves weights, optimizer state and history, from which a later call resumes
 * at the next epoch.
 */
export async function trainModel(model: tf.LayersModel, data: TrainData, opts: TrainOptions): Promise<TrainResult> {
  checkData(model, data, opts);
  guardFrozenBatchNorm(model);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  if (variables.length === 0) throw new ModelError(`model '${model.name}' has no trainable weights`);
  const optimizer = makeOptimizer(opts.optimizer, opts.learningRate);
  try {
    let seed = opts.seed ?? 0;
    let history: EpochLogs[] = [];
    let resumedFromEpoch: number | null = null;
    if (opts.checkpoints && opts.resume !== false) {
      const ckpt = await opts.checkpoints.load();
      if (ckpt !== undefined) {
        await restore(model, optimizer, ckpt, opts);
        history = [...ckpt.history];
        seed = ckpt.rng.seed;
        resumedFromEpoch = ckpt.epoch;
      }
    }
    const n = data.x.shape[0]!;
    for (let epoch = history.length; epoch < opts.epochs; epoch++) {
      if (opts.earlyStopping && earlyStoppingState(history, opts.earlyStopping).stop) {
        return { history, stopReason: 'early-stopping', resumedFromEpoch };
      }
      const perm = epochPermutation(n, seed, epoch);
      let lossSum = 0;
      let accSum = 0;
      for (let b = 0, start = 0; start < n; b++, start += opts.batchSize) {
        if (opts.signal?.aborted) return { history, stopReason: 'aborted', resumedFromEpoch };
        const idx = perm.subarray(start, Math.min(n, start + opts.batchSize));
        const [loss, acc] = await trainStep(model, optimizer, variables, data, idx);
        lossSum += loss * idx.length;
        accSum += acc * idx.length;
        await opts.callbacks?.onBatchEnd?.({ epoch: epoch + 1, batch: b, size: idx.length, loss, acc });
      }
      let logs: EpochLogs = { epoch: epoch + 1, loss: lossSum / n, acc: accSum / n };
      if (data.validation) {
        const v = await evaluateModel(model, data.validation.x, data.validation.y, opts.batchSize);
        logs = { ...logs, val_loss: v.loss, val_acc: v.acc };
      }
      history.push(logs);
      if (opts.checkpoints) await saveCheckpoint(opts.checkpoints, model, optimizer, opts, history, seed);
      await opts.callbacks?.onEpochEnd?.(logs);
    }
    const stopped = opts.earlyStopping != null && earlyStoppingState(history, opts.earlyStopping).stop
      && history.length < opts.epochs;
    return { history, stopReason: stopped ? 'early-stopping' : 'completed', resumedFromEpoch };
  } finally {
    optimizer.dispose();
  }
}

async function trainStep(
  model: tf.LayersModel, optimizer: tf.Optimizer, variables: tf.Variable[], data: TrainData, idx: Int32Array,
): Promise<[number, number]> {
  let acc: tf.Scalar | undefined;
  const loss = tf.tidy(() => {
    const ids = tf.tensor1d(idx, 'int32');
    const xb = tf.gather(data.x, ids);
    const yb = tf.gather(data.y, ids);
    return optimizer.minimize(() => {
      const probs = model.apply(xb, { training: true }) as tf.Tensor;
      // Kept: minimize's inner tidy would free it, and a second forward pass would cost as much as the step.
      acc = tf.keep(argMaxAccuracy(yb, probs));
      return crossEntropy(yb, probs);
    }, true, variables)!;
  });
  try {
    const [l, a] = await Promise.all([loss.data(), acc!.data()]);
    return [l[0]!, a[0]!];
  } finally {
    tf.dispose([loss, acc!]);
  }
}

async function saveCheckpoint(
  store: CheckpointStore, model: tf.LayersModel, optimizer: tf.Optimizer, opts: TrainOptions,
  history: readonly EpochLogs[], seed: number,
): Promise<void> {
  // Live variables are only read; the iteration scalar getWeights() makes is ours to free.
  const optWeights = await optimizer.getWeights();
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

async function restore(
  model: tf.LayersModel, optimizer: tf.Optimizer, ckpt: TrainingCheckpoint, opts: TrainOptions,
): Promise<void> {
  try {
    const weights = orderedWeights(model);
    const fits = ckpt.weights.length === weights.length
      && ckpt.weights.every((w, i) => tf.util.arraysEqual(w.tensor.shape, weights[i]!.shape as number[]));
    if (!fits) throw new ModelError(`checkpoint (epoch ${ckpt.epoch}) does not fit model '${model.name}'`);
    if (ckpt.optimizer.name !== opts.optimizer) {
      throw new ModelError(`checkpoint optimizer is ${ckpt.optimizer.name}, this run uses ${opts.optimizer}`);
    }
    ckpt.weights.forEach((w, i) => weights[i]!.write(w.tensor));
    await optimizer.setWeights(ckpt.optimizer.weights.map((w) => ({ name: w.name, tensor: w.tensor })));
  } finally {
    disposeCheckpoint(ckpt);
  }
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
