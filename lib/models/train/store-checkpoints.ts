import * as tf from '@tensorflow/tfjs-node';
import { ModelError } from '../../errors';
import type { ObjectStore } from '../../store/object-store';
import type { OptimizerName } from '../types';
import type { CheckpointStore, NamedTensor, TrainingCheckpoint } from './checkpoint';
import type { EpochLogs } from './logs';
import { decodeSafetensors, encodeSafetensors, type RawTensor } from './safetensors';

/**
 * Checkpoints in an ObjectStore, under `prefix`:
 *
 *     <prefix>/epoch-000003/weights.safetensors    model weights, orderedWeights(model) order
 *     <prefix>/epoch-000003/optimizer.safetensors  optimizer.getWeights(), in order
 *     <prefix>/epoch-000003/state.json             epoch, optimizer name, history, rng, names
 *     <prefix>/latest.json                         { "epoch": 3, "dir": "epoch-000003" }
 *
 * `latest.json` is written last, so a crash mid-save leaves the previous
 * checkpoint in force. Older epoch folders are removed after that.
 */
export class ObjectStoreCheckpointStore implements CheckpointStore {
  private readonly prefix: string;

  /**
   * `warn` hears about a checkpoint that cannot be used (files missing or
   * unreadable, e.g. removed by a concurrent run of the same stage): training
   * then starts over, which is always correct, instead of failing the stage.
   */
  constructor(private readonly store: ObjectStore, prefix: string, private readonly warn: (line: string) => void = () => {}) {
    this.prefix = prefix.replace(/\/+$/, '');
  }

  async save(c: TrainingCheckpoint): Promise<void> {
    const dir = `epoch-${String(c.epoch).padStart(6, '0')}`;
    const base = `${this.prefix}/${dir}`;
    const weights = await toRaw(c.weights);
    const optimizer = await toRaw(c.optimizer.weights);
    await this.store.put(`${base}/weights.safetensors`, encodeSafetensors(weights, { epoch: String(c.epoch) }));
    await this.store.put(`${base}/optimizer.safetensors`, encodeSafetensors(optimizer, { optimizer: c.optimizer.name }));
    if (c.best) await this.store.put(`${base}/best.safetensors`, encodeSafetensors(await toRaw(c.best.weights), { epoch: String(c.best.epoch) }));
    const state: StateJson = {
      format: 'graft-checkpoint/1', epoch: c.epoch, optimizer: c.optimizer.name, history: [...c.history], rng: c.rng,
      weightNames: c.weights.map((w) => w.name), optimizerWeightNames: c.optimizer.weights.map((w) => w.name),
      ...(c.best ? { bestEpoch: c.best.epoch } : {}),
    };
    await this.store.put(`${base}/state.json`, JSON.stringify(state), 'application/json');
    await this.store.put(`${this.prefix}/latest.json`, JSON.stringify({ epoch: c.epoch, dir }), 'application/json');
    for (const key of await this.store.list(`${this.prefix}/`)) {
      const m = /\/(epoch-\d+)\//.exec(key.slice(this.prefix.length));
      if (m !== null && m[1] !== dir) await this.store.remove(key);
    }
  }

  async load(): Promise<TrainingCheckpoint | undefined> {
    // Store failures propagate (the activity retries); only bad bytes mean "start over".
    const latest = await this.store.get(`${this.prefix}/latest.json`);
    if (latest === undefined) return undefined;
    const unusable = (where: string, why: string): undefined => {
      this.warn(`checkpoint ${where} is unusable (${why}); training starts over`);
      return undefined;
    };
    const dir = parseJson<{ dir?: unknown }>(latest)?.dir;
    if (typeof dir !== 'string') return unusable(`${this.prefix}/latest.json`, 'not a checkpoint pointer');
    const base = `${this.prefix}/${dir}`;
    const [stateBuf, weightsBuf, optBuf] = await Promise.all([
      this.store.get(`${base}/state.json`),
      this.store.get(`${base}/weights.safetensors`),
      this.store.get(`${base}/optimizer.safetensors`),
    ]);
    if (stateBuf === undefined || weightsBuf === undefined || optBuf === undefined) return unusable(base, 'files are missing');
    let state: StateJson | undefined;
    let weights: RawTensor[];
    let optimizer: RawTensor[];
    try {
      state = parseJson<StateJson>(stateBuf);
      weights = decodeSafetensors(weightsBuf).tensors;
      optimizer = decodeSafetensors(optBuf).tensors;
    } catch (err) {
      return unusable(base, err instanceof Error ? err.message : String(err));
    }
    if (state === undefined) return unusable(base, 'state.json is not JSON');
    let best: TrainingCheckpoint['best'];
    if (state.bestEpoch !== undefined) {
      const bestBuf = await this.store.get(`${base}/best.safetensors`);
      if (bestBuf === undefined) return unusable(base, 'best.safetensors is missing');
      try {
        best = { epoch: state.bestEpoch, weights: fromRaw(decodeSafetensors(bestBuf).tensors, state.weightNames) };
      } catch (err) {
        return unusable(`${base}/best.safetensors`, err instanceof Error ? err.message : String(err));
      }
    }
    return {
      epoch: state.epoch,
      weights: fromRaw(weights, state.weightNames),
      optimizer: { name: state.optimizer, weights: fromRaw(optimizer, state.optimizerWeightNames) },
      history: state.history,
      rng: state.rng,
      ...(best ? { best } : {}),
    };
  }

  async clear(): Promise<void> {
    await this.store.removePrefix(`${this.prefix}/`);
  }
}

interface StateJson {
  format: string;
  epoch: number;
  optimizer: OptimizerName;
  history: EpochLogs[];
  rng: { seed: number };
  weightNames: string[];
  optimizerWeightNames: string[];
  /** Present when best.safetensors holds the best epoch's weights. */
  bestEpoch?: number;
}

/** safetensors keys must be unique; tfjs names usually are, `#i` makes sure. */
async function toRaw(tensors: readonly NamedTensor[]): Promise<RawTensor[]> {
  const used = new Set<string>();
  const out: RawTensor[] = [];
  for (const [i, { name, tensor }] of tensors.entries()) {
    const key = used.has(name) ? `${name}#${i}` : name;
    used.add(key);
    if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32') {
      throw new ModelError(`checkpoint: tensor '${name}' has unsupported dtype ${tensor.dtype}`);
    }
    const data = (await tensor.data()) as Float32Array | Int32Array;
    out.push({ name: key, dtype: tensor.dtype, shape: tensor.shape, data });
  }
  return out;
}

function fromRaw(raw: readonly RawTensor[], names: readonly string[]): NamedTensor[] {
  return raw.map((r, i) => ({ name: names[i] ?? r.name, tensor: tf.tensor(r.data, [...r.shape], r.dtype) }));
}

function parseJson<T>(buf: Buffer): T | undefined {
  try {
    return JSON.parse(buf.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}
