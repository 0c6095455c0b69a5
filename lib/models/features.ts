/**
 * The one inference loop: extraction, evaluation, `graft predict`, `graft
 * classify` and the benchmarks all run a model through `inferenceSteps`, so
 * what the benchmarks measure is what the pipeline runs.
 */
import * as tf from '@tensorflow/tfjs-node';
import { foldBatchNorm } from './fold-batchnorm';
// Models loaded in a process that runs inference get the one-op ReLU6.
import './bases/relu-layer';

/**
 * Samples in a typed array, row-major in `shape` (N×…). 8-bit pixels are
 * scaled to [0, 1] one batch at a time, so a whole shard is never float at
 * once; float32 values (features) are taken as they are.
 */
export interface ArraySource {
  readonly data: Uint8Array | Float32Array;
  readonly shape: readonly number[];
}

/** A model's input: one tensor (taken as it is, not disposed) or a typed array. */
export type InferenceSource = tf.Tensor | ArraySource;

export interface InferenceOptions {
  /** Samples per forward pass: bounds memory at any input size. */
  readonly batchSize: number;
  /** Awaited after each batch with the samples done so far: activities heartbeat and yield to the event loop here. */
  readonly onBatch?: (done: number, total: number) => void | Promise<void>;
}

/** Outputs of every sample stacked on axis 0, row-major in `shape`. */
export interface InferenceOutput<T extends Float32Array | Int32Array> {
  readonly values: T;
  readonly shape: number[];
}

/** What is read from each batch's output, and into what. */
interface Readout<T extends Float32Array | Int32Array> {
  alloc(length: number): T;
  /** Runs inside the batch's tidy, on the model's output. */
  map?(output: tf.Tensor): tf.Tensor;
  /** A sample's output shape when there are no samples to take it from. */
  emptyRow(model: tf.LayersModel): number[];
}

const VALUES: Readout<Float32Array> = {
  alloc: (length) => new Float32Array(length),
  emptyRow: (model) => (model.outputs[0]?.shape.slice(1) ?? []).map((d) => d ?? 0),
};

// argMax on the backend, per batch: only one index per sample crosses to JavaScript.
const CLASSES: Readout<Int32Array> = {
  alloc: (length) => new Int32Array(length),
  map: (output) => tf.argMax(output, -1),
  emptyRow: () => [],
};

/** Runs `model` over `source` in inference mode, `batchSize` samples at a time; outputs as float32. */
export async function runInference(model: tf.LayersModel, source: InferenceSource, options: InferenceOptions): Promise<InferenceOutput<Float32Array>> {
  return drive(inferenceSteps(model, source, options.batchSize, VALUES), sampleCount(source), options.onBatch);
}

/** As `runInference`, for synchronous callers (`graft predict`, `graft classify`). */
export function runInferenceSync(model: tf.LayersModel, source: InferenceSource, batchSize: number): InferenceOutput<Float32Array> {
  const steps = inferenceSteps(model, source, batchSize, VALUES);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** The most probable class (argMax of the output's last axis) of every sample. */
export async function predictClasses(model: tf.LayersModel, source: InferenceSource, options: InferenceOptions): Promise<Int32Array> {
  const out = await drive(inferenceSteps(model, source, options.batchSize, CLASSES), sampleCount(source), options.onBatch);
  return out.values;
}

/** Each sample's outputs as numbers (what `arraySync` gives for a 2-D output). */
export function outputRows(out: InferenceOutput<Float32Array>): number[][] {
  const count = out.shape[0] ?? 0;
  const width = count === 0 ? 0 : out.values.length / count;
  return Array.from({ length: count }, (_, i) => Array.from(out.values.subarray(i * width, (i + 1) * width)));
}

export type ImageBatches = tf.Tensor | Iterable<tf.Tensor> | AsyncIterable<tf.Tensor>;

/**
 * Runs the (frozen) base once over images, in inference mode, and returns the
 * features stacked on axis 0. `images` is one tensor (cut into `batchSize`
 * batches) or a (async) iterable of batches; batches passed in are not
 * disposed. The base runs with its BatchNorms folded into their convs
 * (fold-batchnorm.ts): the same features up to float rounding, faster.
 */
export async function extractFeatures(base: tf.LayersModel, images: ImageBatches, batchSize = 32): Promise<tf.Tensor> {
  const folded = foldBatchNorm(base);
  try {
    return await extractWith(folded, images, batchSize);
  } finally {
    folded.dispose();
  }
}

async function extractWith(base: tf.LayersModel, images: ImageBatches, batchSize: number): Promise<tf.Tensor> {
  if (images instanceof tf.Tensor) {
    if ((images.shape[0] ?? 0) === 0) throw new Error('extractFeatures: no images');
    const out = await runInference(base, images, { batchSize });
    return tf.tensor(out.values, out.shape);
  }
  // Batches given one by one: each is one step of the same loop.
  const parts: Float32Array[] = [];
  let row: number[] | undefined;
  let count = 0;
  for await (const batch of images) {
    const n = batch.shape[0] ?? 0;
    if (n === 0) continue;
    const out = runInferenceSync(base, batch, n);
    parts.push(out.values);
    row ??= out.shape.slice(1);
    count += n;
  }
  if (row === undefined) throw new Error('extractFeatures: no images');
  const values = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    values.set(p, offset);
    offset += p.length;
  }
  return tf.tensor(values, [count, ...row]);
}

/**
 * The loop itself. Yields the samples done after each batch and returns the
 * outputs. Each batch's tensors are freed before it yields, so a caller that
 * stops early (a failed heartbeat) leaks nothing.
 */
function* inferenceSteps<T extends Float32Array | Int32Array>(
  model: tf.LayersModel, source: InferenceSource, batchSize: number, readout: Readout<T>,
): Generator<number, InferenceOutput<T>, void> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
  const shape = sourceShape(source);
  const count = shape[0]!;
  const sampleShape = shape.slice(1);
  let values: T | undefined;
  let row: number[] = [];
  let width = 0;
  for (let start = 0; start < count; start += batchSize) {
    const size = Math.min(batchSize, count - start);
    const out = tf.tidy(() => {
      const y = model.apply(batchOf(source, start, size, sampleShape), { training: false }) as tf.Tensor;
      return readout.map ? readout.map(y) : y;
    });
    try {
      if (values === undefined) {
        row = out.shape.slice(1);
        width = product(row);
        values = readout.alloc(count * width);
      }
      if (out.shape[0] !== size || out.size !== size * width) {
        throw new Error(`inference: batch output shape [${out.shape.join(', ')}] does not match [${size}, ${row.join(', ')}]`);
      }
      values.set(out.dataSync(), start * width);
    } finally {
      out.dispose();
    }
    yield start + size;
  }
  return { values: values ?? readout.alloc(0), shape: [count, ...(values ? row : readout.emptyRow(model))] };
}

async function drive<T extends Float32Array | Int32Array>(
  steps: Generator<number, InferenceOutput<T>, void>, total: number,
  onBatch: InferenceOptions['onBatch'],
): Promise<InferenceOutput<T>> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await onBatch?.(step.value, total);
  }
}

/** Batch `[start, start + size)` of the source as a float tensor; called inside the batch's tidy. */
function batchOf(source: InferenceSource, start: number, size: number, sampleShape: readonly number[]): tf.Tensor {
  if (source instanceof tf.Tensor) return source.slice(start, size);
  const sample = product(sampleShape);
  const part = source.data.subarray(start * sample, (start + size) * sample);
  const shape = [size, ...sampleShape];
  return source.data instanceof Uint8Array ? tf.div(tf.tensor(Float32Array.from(part), shape), 255) : tf.tensor(part, shape);
}

function sourceShape(source: InferenceSource): number[] {
  const shape = [...source.shape];
  if (shape.length === 0) throw new Error('inference: the input needs a sample axis');
  if (!(source instanceof tf.Tensor) && source.data.length !== product(shape)) {
    throw new Error(`inference: ${source.data.length} values do not fill shape [${shape.join(', ')}]`);
  }
  return shape;
}

function sampleCount(source: InferenceSource): number {
  return source.shape[0] ?? 0;
}

function product(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}
