/**
 * What every benchmark shares: timing, machine info, the Keras peer (Python
 * scripts in bench/python, run in a private virtualenv), Fashion-MNIST in the
 * shapes the benchmarks need, and `.npy` files both sides read.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-node';
import { readIdxDataset } from '../lib/data/idx';
import { encodeNpy, type NpyData } from '../lib/store/npy';

export const FASHION_DIR = '/usr/share/datasets/fashion-mnist';
/** The repository root (bench/ is compiled to dist/bench/). */
export const REPO_ROOT = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');
export const PYTHON_DIR = path.join(REPO_ROOT, 'bench', 'python');

export interface BenchOptions {
  /** Tiny sizes for smoke runs (seconds, not minutes). */
  readonly quick?: boolean;
}

/** Seconds since `start` (from `process.hrtime.bigint()`). */
export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Runs `fn` and returns its result with the wall time in seconds. */
export async function timed<T>(fn: () => Promise<T> | T): Promise<{ value: T; seconds: number }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { value, seconds: secondsSince(start) };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The machine a result was measured on. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly logicalCores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly tfjs: string;
  readonly tfjsBackend: string;
  /** The native TensorFlow library tfjs-node is linked against. */
  readonly nativeTensorflow: string;
}

export function machineInfo(): MachineInfo {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    const line = fs.readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) cpuModel = line.split(':')[1]!.trim();
  } catch {
    // not Linux: keep os.cpus()'s name
  }
  const backend = tf.backend() as unknown as { binding?: { TF_Version?: string } };
  return {
    cpuModel,
    logicalCores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    tfjs: tf.version.tfjs,
    tfjsBackend: tf.getBackend(),
    nativeTensorflow: backend.binding?.TF_Version ?? 'unknown',
  };
}

/** Versions the Keras side reports about itself. */
export interface PeerInfo {
  readonly python: string;
  readonly tensorflow: string;
  readonly keras: string;
  readonly numpy: string;
  readonly intraOpThreads: number;
  readonly interOpThreads: number;
}

let pythonPath: string | undefined;

/**
 * The virtualenv's python, made by bench/python/setup.sh on first use
 * (pinned tensorflow-cpu, keras, numpy, scipy).
 */
export function peerPython(): string {
  if (pythonPath) return pythonPath;
  const out = execFileSync('bash', [path.join(PYTHON_DIR, 'setup.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const last = out.trim().split('\n').pop();
  if (!last || !fs.existsSync(last)) throw new Error(`bench/python/setup.sh did not print a python path (got '${out.trim()}')`);
  pythonPath = last;
  return last;
}

/**
 * Runs `bench/python/<script>` with `args` and parses the JSON object it
 * prints as its last stdout line. TensorFlow's own log lines go to stderr,
 * which is dropped unless the script fails.
 */
export async function runPeer<T>(script: string, args: Record<string, string | number>): Promise<T> {
  const python = peerPython();
  const argv = [path.join(PYTHON_DIR, script), ...Object.entries(args).flatMap(([k, v]) => [`--${k}`, String(v)])];
  const child = spawn(python, argv, { env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2', PYTHONUNBUFFERED: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const stdout = Buffer.concat(out).toString('utf8').trim();
  if (code !== 0) {
    const tail = Buffer.concat(err).toString('utf8').trim().split('\n').slice(-15).join('\n');
    throw new Error(`${script} exited with ${code}:\n${tail}`);
  }
  const last = stdout.split('\n').pop() ?? '';
  return JSON.parse(last) as T;
}

/** A scratch folder for the files both sides read; removed by the caller. */
export function scratchDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `graft-bench-${label}-`));
}

export function writeNpy(file: string, data: NpyData, shape: readonly number[]): string {
  fs.writeFileSync(file, encodeNpy(data, shape));
  return file;
}

export interface ImageSet {
  /** N·H·W·C bytes. */
  readonly images: Uint8Array;
  readonly labels: Int32Array;
  readonly shape: readonly [number, number, number];
}

/**
 * The first `count` Fashion-MNIST training images, at `size`×`size` with
 * `channels` channels (bilinear resize, gray replicated to RGB): what the
 * pipeline's ingest makes of `imageSize` / `channels`.
 */
export function fashionImages(count: number, size = 28, channels: 1 | 3 = 1, classes?: readonly number[]): ImageSet {
  const ds = readIdxDataset(FASHION_DIR, { parts: ['train'] });
  const pick: number[] = [];
  for (let i = 0; i < ds.labels.length && pick.length < count; i++) {
    if (!classes || classes.includes(ds.labels[i]!)) pick.push(i);
  }
  const n = pick.length;
  const raw = new Uint8Array(n * 784);
  pick.forEach((src, i) => raw.set(ds.images.subarray(src * 784, (src + 1) * 784), i * 784));
  const labels = Int32Array.from(pick, (i) => ds.labels[i]!);
  if (size === 28 && channels === 1) return { images: raw, labels, shape: [28, 28, 1] };
  const images = tf.tidy(() => {
    let x: tf.Tensor4D = tf.tensor4d(raw, [n, 28, 28, 1], 'int32').toFloat();
    if (size !== 28) x = tf.image.resizeBilinear(x, [size, size]);
    if (channels === 3) x = tf.tile(x, [1, 1, 1, 3]);
    return x.round().clipByValue(0, 255).toInt();
  });
  const bytes = Uint8Array.from(images.dataSync());
  images.dispose();
  return { images: bytes, labels, shape: [size, size, channels] };
}

/** Images as a float tensor in [0, 1], as Graft's extract stage feeds the base. */
export function toInputTensor(set: ImageSet): tf.Tensor4D {
  const n = set.labels.length;
  return tf.tidy(() => tf.div(tf.tensor4d(Float32Array.from(set.images), [n, ...set.shape]), 255));
}

/**
 * A benchmark's one figure against its goal (issue 16): BENCHMARKS.md shows
 * every record's headline in one table, so each is comparable at a glance.
 */
export interface Headline {
  /** The measured figure, e.g. 0.03 for a 3 % overhead or 1.6 for 1.6 × Keras. */
  readonly value: number;
  /** The figure the goal asks for, in the same unit. */
  readonly goal: number;
  /** Whether the goal is met by a value at or below (`lower`) or at or above (`higher`) `goal`. */
  readonly better: 'lower' | 'higher';
  /** How `value` and `goal` read, e.g. 'fraction' or '× Keras'. */
  readonly unit: string;
  /** One line: what was measured against what. */
  readonly what: string;
}

/** Whether a headline's value meets its goal. */
export function headlineMet(h: Headline): boolean {
  return h.better === 'lower' ? h.value <= h.goal : h.value >= h.goal;
}

/** What bench/results/<name>.json holds (`name` is one of bench/run.ts's BENCHMARKS). */
export interface BenchRecord<R = unknown> {
  readonly name: string;
  readonly title: string;
  readonly quick: boolean;
  readonly startedAt: string;
  /** The machine's 1-minute load average as it started: on a shared machine, context for the timings. */
  readonly loadAtStart?: number;
  readonly seconds: number;
  readonly machine: MachineInfo;
  /** The benchmark's figure against its goal; absent on records from before the goals. */
  readonly headline?: Headline;
  /** Further goals the same measurement answers (orchestration: the small pipeline beside the large one). */
  readonly moreHeadlines?: readonly Headline[];
  readonly result: R;
}

/**
 * What a benchmark's `run` may return beside its result: `headline` (and
 * `moreHeadlines`), which `runBenchmark` lifts out of the result into the record.
 */
export interface WithHeadline {
  readonly headline?: Headline;
  readonly moreHeadlines?: readonly Headline[];
}
