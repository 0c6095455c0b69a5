/**
 * `graft export`: a published model written as a `.keras` file that Keras
 * 3 loads (keras.models.load_model, in the benchmark venv) and that predicts
 * what Graft predicts on the same raw images, within 1e-4; the input
 * contract travels inside as layers, with two in front so raw 8-bit images
 * of any size go in. Also: a Keras model imported and exported again, the
 * tfjs format by run id, and what the command refuses.
 */
import * as tf from '@tensorflow/tfjs-node';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { captureIO } from '../../../cli/io';
import { createExportCommand } from '../../../cli/commands/export';
import { ModelError } from '../../../lib/errors';
import { buildBase, buildHead, composeModel, disposeModels, loadPublishedModel, savePublishedModel } from '../../../lib/models';
import { MemoryStore } from '../../support/memory-store';
import { kerasPython, maxAbsDiff, readNpy, runKeras, writeNpy } from './keras-helpers';

jest.setTimeout(600_000);

let work: string;
let python: string;
let published: string;
let graft: tf.LayersModel;
const store = new MemoryStore();
const exportCommand = createExportCommand(() => store);

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-keras-export-'));
  python = kerasPython();
  // What publish writes for a Fashion-MNIST transfer run: ImageNet EfficientNet-Lite0 behind the input contract, a dense head.
  const base = await buildBase({ architecture: 'efficientnet-lite0', weights: 'imagenet', inputShape: [28, 28, 1], inputSize: 32 }, 'transfer');
  const head = buildHead(base.outputs[0]!.shape.slice(1), { strategy: 'dense', pooling: 'avg', hidden: [16], dropout: 0.3, activation: 'relu' }, 3);
  graft = composeModel(base, head);
  published = `file://${work}/published/model.json`;
  await savePublishedModel(graft, published, { classNames: ['a', 'b', 'c'] });
});

afterAll(() => {
  graft.dispose();
  fs.rmSync(work, { recursive: true, force: true });
});

async function runExport(...args: string[]): Promise<string> {
  const io = captureIO();
  expect(await exportCommand.run(args, io)).toBe(0);
  return io.stdout.join('\n').trim();
}

/** Keras's output for `x` from a .keras file, through keras_models.py predict. */
function kerasPredict(file: string, x: tf.Tensor, tag: string): tf.Tensor {
  const xFile = path.join(work, `${tag}-x.npy`);
  const yFile = path.join(work, `${tag}-y.npy`);
  writeNpy(xFile, x);
  runKeras(python, 'predict', file, xFile, yFile);
  return readNpy(yFile);
}

/** Random 8-bit pixels as floats, [n, h, w, c]. */
const rawImages = (shape: [number, number, number, number], seed: number): tf.Tensor4D =>
  tf.tidy(() => tf.floor(tf.randomUniform(shape, 0, 256, 'float32', seed)) as tf.Tensor4D);

describe('graft export --format keras', () => {
  let file: string;
  beforeAll(async () => {
    file = await runExport(published, '--out', path.join(work, 'fmnist.keras'));
  });

  it('writes a .keras file, leaving no tensors behind', async () => {
    const before = tf.memory().numTensors;
    await runExport(published, '--out', path.join(work, 'again.keras'));
    expect(tf.memory().numTensors).toBe(before);
    expect(file).toBe(path.join(work, 'fmnist.keras'));
    expect(fs.readFileSync(file).subarray(0, 2).toString('latin1')).toBe('PK');
  });

  it('loads in Keras and predicts what Graft predicts on raw pixels, within 1e-4', () => {
    const x = rawImages([3, 28, 28, 1], 1);
    // Graft's stages feed u8 / 255 (the lineage's inputScale); the export takes the raw pixels.
    const expected = tf.tidy(() => graft.predict(tf.div(x, 255)) as tf.Tensor);
    const keras = kerasPredict(file, x, 'same-size');
    try {
      expect(keras.shape).toEqual([3, 3]);
      // The images get different predictions, so agreeing within 1e-4 says something.
      const spread = tf.tidy(() => tf.max(tf.sub(tf.max(expected, 0), tf.min(expected, 0))).dataSync()[0]!);
      expect(spread).toBeGreaterThan(1e-2);
      expect(maxAbsDiff(keras, expected)).toBeLessThan(1e-4);
    } finally {
      tf.dispose([x, expected, keras]);
    }
  });

  it('takes raw images of another size, resized as Keras resizes (half-pixel centres)', () => {
    const x = rawImages([2, 45, 37, 1], 2);
    const expected = tf.tidy(() => graft.predict(tf.div(tf.image.resizeBilinear(x, [28, 28], false, true), 255)) as tf.Tensor);
    const keras = kerasPredict(file, x, 'other-size');
    try {
      expect(maxAbsDiff(keras, expected)).toBeLessThan(1e-4);
    } finally {
      tf.dispose([x, expected, keras]);
    }
  });

  it('round-trips a Keras model: Keras → graft import → graft export → Keras, same outputs', async () => {
    runKeras(python, 'build', work);
    // A local path works as well as a file:// URI.
    const out = await runExport(path.join(work, 'residual.keras'), '--out', path.join(work, 'residual-again.keras'));
    // The exported model scales raw pixels by 1/255 first: feed the original input × 255.
    const x = tf.tidy(() => tf.mul(readNpy(path.join(work, 'residual-x.npy')), 255));
    const original = readNpy(path.join(work, 'residual-y.npy'));
    const again = kerasPredict(out, x, 'residual');
    try {
      expect(maxAbsDiff(again, original)).toBeLessThan(1e-4);
    } finally {
      tf.dispose([x, original, again]);
    }
  });
});

describe('graft export of a tfjs Sequential model', () => {
  it('exports it as a functional Keras model with the same outputs', async () => {
    const seq = tf.sequential({ layers: [
      tf.layers.conv2d({ inputShape: [10, 10, 3], filters: 4, kernelSize: 3, activation: 'relu', name: 'conv' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }),
      tf.layers.flatten({ name: 'flat' }),
      tf.layers.dense({ units: 2, activation: 'softmax', name: 'out' }),
    ] });
    const dir = path.join(work, 'sequential-tfjs');
    await savePublishedModel(seq, `file://${dir}/model.json`, {});
    const out = await runExport(dir, '--out', path.join(work, 'sequential-tfjs.keras'));
    const x = rawImages([2, 10, 10, 3], 4);
    const expected = tf.tidy(() => seq.predict(tf.div(x, 255)) as tf.Tensor);
    const keras = kerasPredict(out, x, 'sequential-tfjs');
    try {
      expect(maxAbsDiff(keras, expected)).toBeLessThan(1e-4);
    } finally {
      tf.dispose([x, expected, keras]);
      seq.dispose();
    }
  });
});

describe('graft export --format tfjs', () => {
  it('finds a run\'s published model by run id and writes it as a tfjs folder that predicts the same', async () => {
    await savePublishedModel(graft, `s3://${store.bucket}/models/fmnist/run-42/model.json`, { classNames: ['a', 'b', 'c'] }, store);
    const out = await runExport('run-42', '--format', 'tfjs', '--out', path.join(work, 'tfjs'));
    expect(fs.readdirSync(out).sort()).toEqual(['labels.json', 'model.json', 'weights.bin']);
    const pub = await loadPublishedModel(`file://${out}/model.json`);
    const x = tf.tidy(() => tf.div(rawImages([2, 28, 28, 1], 3), 255));
    const [a, b] = [graft.predict(x) as tf.Tensor, pub.model.predict(x) as tf.Tensor];
    try {
      expect(pub.classNames).toEqual(['a', 'b', 'c']);
      expect(maxAbsDiff(a, b)).toBe(0);
    } finally {
      tf.dispose([x, a, b]);
      disposeModels(pub.model);
    }
  });

  it('says so when no run published a model under that id', async () => {
    await expect(exportCommand.run(['run-0', '--format', 'tfjs'], captureIO())).rejects.toThrow(/run run-0 published no model/);
  });
});

describe('what graft export refuses', () => {
  it('a layer Keras export does not cover, naming it', async () => {
    const input = tf.input({ shape: [8, 8, 1] });
    const up = tf.layers.upSampling2d({ size: [2, 2], name: 'up' }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: up });
    const dir = path.join(work, 'upsampling');
    await savePublishedModel(model, `file://${dir}/model.json`, {});
    model.dispose();
    await expect(exportCommand.run([dir, '--out', path.join(work, 'up.keras')], captureIO()))
      .rejects.toThrow(/cannot export layer 'up' \(UpSampling2D\) to Keras/);
    expect(fs.existsSync(path.join(work, 'up.keras'))).toBe(false);
  });

  it('an unknown format (a usage error)', async () => {
    await expect(exportCommand.run([published, '--format', 'onnx'], captureIO())).rejects.toThrow(/unknown format 'onnx'; use keras, tfjs, savedmodel/);
  });

  it('savedmodel, saying why and what to do instead', async () => {
    const err = await exportCommand.run([published, '--format', 'savedmodel'], captureIO()).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect((err as Error).message).toMatch(/cannot write one.*--format keras.*\.export\(/s);
  });
});
