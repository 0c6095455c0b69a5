/**
 * The Keras side of the Keras import/export tests: the benchmark venv (Keras
 * 3 on TF 2.18, made by bench/python/setup.sh, the same script CI's
 * provisioning of the benchmarks uses) running test/support/keras_models.py.
 */
import * as tf from '@tensorflow/tfjs-node';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeNpy, encodeNpy } from '../../../lib/store/npy';

const ROOT = path.resolve(__dirname, '../../..');
const SCRIPT = path.join(ROOT, 'test/support/keras_models.py');

/**
 * The venv's python; creates the venv on first use (tensorflow-cpu, a few
 * minutes, once). Under a lock: jest runs the import and export tests in
 * parallel workers, and two pip installs into one venv would collide.
 */
export function kerasPython(): string {
  const lock = path.join(os.tmpdir(), 'graft-bench-venv.lock');
  const out = execFileSync('flock', [lock, 'bash', path.join(ROOT, 'bench/python/setup.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return out.trim().split('\n').pop()!;
}

/** Runs keras_models.py with the given arguments. */
export function runKeras(python: string, ...args: string[]): void {
  const run = spawnSync(python, [SCRIPT, ...args], { encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' } });
  // The end of Python's traceback says what failed; the start can be a whole model config.
  if (run.status !== 0) throw new Error(`keras_models.py ${args[0]} failed (${run.status}): …${run.stderr.slice(-1500)}`);
}

export function readNpy(file: string): tf.Tensor {
  const { data, shape } = decodeNpy(fs.readFileSync(file));
  return tf.tensor(data as Float32Array, [...shape]);
}

export function writeNpy(file: string, t: tf.Tensor): void {
  fs.writeFileSync(file, encodeNpy(t.dataSync() as Float32Array, t.shape));
}

/** The largest absolute difference between two tensors of one shape. */
export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  expect(a.shape).toEqual(b.shape);
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}
