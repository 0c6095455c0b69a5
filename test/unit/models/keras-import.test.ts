/**
 * Keras models built and saved by Keras itself (test/support/keras_models.py)
 * import into Graft with the same outputs on the same random input (within
 * 1e-4) and the same parameter counts as Keras's model.summary(), from both
 * the Keras 3 `.keras` archive and the legacy `.h5` file.
 */
import * as tf from '@tensorflow/tfjs-node';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadModelFromUri } from '../../../lib/models/io/load-save';
import { summarizeModel } from '../../../lib/models/summary';
import { kerasPython, maxAbsDiff, readNpy, runKeras } from './keras-helpers';

jest.setTimeout(600_000);

let work: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-keras-import-'));
  runKeras(kerasPython(), 'build', work);
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const MODELS = [
  ['mobile', 'Rescaling, ZeroPadding2D, BatchNorm, DepthwiseConv2D, ReLU6, global average pooling'],
  ['residual', 'Normalization, SeparableConv2D, a residual Add, Multiply, Concatenate, pooling'],
  ['sequential', 'a Sequential model with Flatten and Reshape'],
] as const;

describe.each(MODELS)('%s (%s)', (name) => {
  it.each(['keras', 'h5'])('imports from .%s with Keras\'s outputs and parameter counts', async (ext) => {
    const model = await loadModelFromUri(`file://${work}/${name}.${ext}`);
    const x = readNpy(path.join(work, `${name}-x.npy`));
    const expected = readNpy(path.join(work, `${name}-y.npy`));
    try {
      const y = tf.tidy(() => model.predict(x) as tf.Tensor);
      expect(maxAbsDiff(y, expected)).toBeLessThan(1e-4);
      y.dispose();
      const keras = JSON.parse(fs.readFileSync(path.join(work, `${name}.json`), 'utf8')) as { total: number; trainable: number; nonTrainable: number };
      const { total, trainable, nonTrainable } = summarizeModel(model);
      expect({ total, trainable, nonTrainable }).toEqual(keras);
    } finally {
      tf.dispose([x, expected]);
      model.dispose();
    }
  });
});
