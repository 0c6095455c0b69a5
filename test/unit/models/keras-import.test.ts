/**
 * Keras models built and saved by Keras itself (test/support/keras_models.py)
 * import into Graft with the same outputs on the same random input (within
 * 1e-4) and the same parameter counts as Keras's model.summary(), from the
 * Keras 3 `.keras` archive, Keras 3's legacy `.h5`, and an HDF5 file laid out
 * as Keras 2 wrote them (its config format and weight names).
 */
import * as tf from '@tensorflow/tfjs-node';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SpecError } from '../../../lib/errors';
import { loadModelFromUri } from '../../../lib/models/io/load-save';
import { writeHdf5 } from '../../../lib/models/io/keras/hdf5';
import { readZip, writeZip } from '../../../lib/models/io/keras/zip';
import { summarizePipelineModel } from '../../../lib/models/pipeline-summary';
import { loadPipeline } from '../../../pipelines';
import { MemoryStore } from '../../support/memory-store';
import { summarizeModel } from '../../../lib/models/summary';
import { kerasPython, maxAbsDiff, readNpy, runKeras } from './keras-helpers';

jest.setTimeout(600_000);

let work: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-keras-import-'));
  runKeras(kerasPython(), 'build', work);
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

interface Counts { total: number; trainable: number; nonTrainable: number }
interface KerasCounts extends Counts { layers: Record<string, number>; cutAtGapFromPw?: Counts }
const kerasCounts = (name: string) => JSON.parse(fs.readFileSync(path.join(work, `${name}.json`), 'utf8')) as KerasCounts;

const MODELS = [
  ['mobile', 'Rescaling, ZeroPadding2D, BatchNorm, DepthwiseConv2D, ReLU6, global average pooling'],
  ['residual', 'Normalization, SeparableConv2D, a residual Add, Multiply, Concatenate, pooling'],
  ['sequential', 'a Sequential model with Flatten and Reshape'],
  ['nested', 'a frozen keras.applications MobileNetV2 used as a layer'],
] as const;

describe.each(MODELS)('%s (%s)', (name) => {
  const formats = name === 'mobile' ? ['keras', 'h5', 'keras2.h5', 'deflated.keras'] : name === 'residual' ? ['keras', 'h5', 'keras2.h5'] : ['keras', 'h5'];
  it.each(formats)('imports from .%s with Keras\'s outputs and parameter counts', async (ext) => {
    const model = await loadModelFromUri(`file://${work}/${name}.${ext}`);
    const x = readNpy(path.join(work, `${name}-x.npy`));
    const expected = readNpy(path.join(work, `${name}-y.npy`));
    try {
      const y = tf.tidy(() => model.predict(x) as tf.Tensor);
      expect(maxAbsDiff(y, expected)).toBeLessThan(1e-4);
      y.dispose();
      const keras = kerasCounts(name);
      const { total, trainable, nonTrainable } = summarizeModel(model);
      expect({ total, trainable, nonTrainable }).toEqual({ total: keras.total, trainable: keras.trainable, nonTrainable: keras.nonTrainable });
    } finally {
      tf.dispose([x, expected]);
      model.dispose();
    }
  });
});

describe('from the object store', () => {
  it('loads s3://<bucket>/<key>.keras through the store, with the same outputs, leaving no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const store = new MemoryStore();
    await store.put('bases/mobile.keras', fs.readFileSync(path.join(work, 'mobile.keras')));
    const model = await loadModelFromUri(`s3://${store.bucket}/bases/mobile.keras`, { store });
    const x = readNpy(path.join(work, 'mobile-x.npy'));
    const expected = readNpy(path.join(work, 'mobile-y.npy'));
    const y = model.predict(x) as tf.Tensor;
    try {
      expect(maxAbsDiff(y, expected)).toBeLessThan(1e-4);
    } finally {
      tf.dispose([x, expected, y]);
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

const readZipEntries = (file: string) => readZip(fs.readFileSync(file), file);

/** A pipeline on an imported base, written next to the Keras files. */
function specFile(name: string, base: string): string {
  const file = path.join(work, `${name}.yaml`);
  fs.writeFileSync(file, [
    `name: ${name}`,
    'dataset: { source: "dir:///nowhere", imageSize: 32, channels: 3 }',
    base,
    'mode: transfer',
    'head: { strategy: replace }',
    'fineTune: { fromLayer: pw, epochs: 1, learningRate: 0.0001 }',
  ].join('\n'));
  return file;
}

describe('graft summary of a pipeline on an imported base', () => {
  it('counts the base as Keras does: all of it frozen, then trainable from the fine-tune layer up', async () => {
    const spec = await loadPipeline(specFile('summary', `base: { uri: "file://${work}/mobile.keras", inputShape: [32, 32, 3], cutAt: gap }`));
    const [transfer, fineTune] = await summarizePipelineModel(spec, 5);
    const keras = kerasCounts('mobile');
    const layers = ['rescale', 'pad', 'conv1', 'conv1_bn', 'conv1_relu', 'dw', 'dw_bn', 'dw_relu', 'pw', 'pw_bn', 'pw_relu', 'gap'];
    const baseParams = layers.reduce((n, l) => n + keras.layers[l]!, 0);
    const head = 16 * 5 + 5;
    expect(transfer!.model).toMatchObject({ total: baseParams + head, trainable: head, nonTrainable: baseParams });
    const cut = keras.cutAtGapFromPw!;
    expect(fineTune!.model).toMatchObject({ total: cut.total + head, trainable: cut.trainable + head, nonTrainable: cut.nonTrainable });
  });
});

describe('a Keras model with layers Graft does not import', () => {
  let file: string;
  beforeAll(() => {
    // A .keras archive made by hand: config.json only, which is all validation reads.
    const layer = (className: string, name: string, config: object, from?: string) => ({
      class_name: className, name, config: { name, ...config },
      inbound_nodes: from ? [{ args: [{ class_name: '__keras_tensor__', config: { keras_history: [from, 0, 0] } }], kwargs: {} }] : [],
    });
    const config = {
      class_name: 'Functional',
      config: {
        name: 'odd',
        layers: [
          layer('InputLayer', 'in', { batch_shape: [null, 32, 32, 3] }),
          layer('Conv2D', 'grouped', { filters: 6, kernel_size: [3, 3], groups: 3, activation: 'relu' }, 'in'),
          layer('LSTM', 'memory', { units: 4 }, 'grouped'),
          layer('Dense', 'out', { units: 2, activation: 'hard_silu' }, 'memory'),
        ],
        input_layers: [['in', 0, 0]],
        output_layers: [['out', 0, 0]],
      },
    };
    file = path.join(work, 'odd.keras');
    fs.writeFileSync(file, writeZip([['config.json', Buffer.from(JSON.stringify(config))]]));
  });

  const expectNamed = (message: string) => {
    expect(message).toContain(file);
    expect(message).toContain("layer 'memory' (LSTM)");
    expect(message).toContain("layer 'grouped' (Conv2D): groups=3");
    expect(message).toContain("layer 'out' (Dense): activation 'hard_silu'");
  };

  it('fails graft validate at base.uri, naming each layer, its class and the file', async () => {
    const spec = specFile('odd', `base: { uri: "file://${file}", inputShape: [32, 32, 3] }`);
    const err = await loadPipeline(spec).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(SpecError);
    expect((err as SpecError).message).toContain('base.uri');
    expectNamed((err as SpecError).message);
  });

  it('fails loading with the same message', async () => {
    const err = await loadModelFromUri(`file://${file}`).then(() => undefined, (e: unknown) => e);
    expect((err as Error).name).toBe('ModelError');
    expectNamed((err as Error).message);
  });

  it('is a validation problem when the file is missing', async () => {
    const spec = specFile('missing', `base: { uri: "file://${work}/missing.keras", inputShape: [32, 32, 3] }`);
    await expect(loadPipeline(spec)).rejects.toThrow(/base\.uri.*missing\.keras: cannot read it \(no such file\)/);
  });
});

describe('files that are not Keras models', () => {
  const loadError = async (name: string, data: Buffer | Uint8Array): Promise<string> => {
    const file = path.join(work, name);
    fs.writeFileSync(file, data);
    const err = await loadModelFromUri(`file://${file}`).then(() => undefined, (e: unknown) => e);
    expect((err as Error).name).toBe('ModelError');
    return (err as Error).message;
  };

  it('neither a zip nor HDF5', async () => {
    expect(await loadError('text.keras', Buffer.from('not a model'))).toMatch(/text\.keras: neither a \.keras archive nor an HDF5 file/);
  });

  it('a zip without config.json', async () => {
    expect(await loadError('empty.keras', writeZip([['other.txt', Buffer.from('x')]]))).toMatch(/empty\.keras: a \.keras archive without config\.json/);
  });

  it('an HDF5 file of weights only (model.save_weights)', async () => {
    const h5 = await writeHdf5((root) => root.group('dense').dataset('kernel', new Float32Array(4), [2, 2]));
    expect(await loadError('weights.h5', h5)).toMatch(/weights\.h5: an HDF5 file without a model_config attribute/);
  });

  it('weights whose shapes do not match the config', async () => {
    const zip = readZipEntries(path.join(work, 'sequential.keras'));
    const config = JSON.parse(zip.get('config.json')!.toString('utf8')) as { config: { layers: { class_name: string; config: { units?: number } }[] } };
    config.config.layers.find((l) => l.class_name === 'Dense')!.config.units = 4;
    const broken = writeZip([['config.json', Buffer.from(JSON.stringify(config))], ['model.weights.h5', zip.get('model.weights.h5')!]]);
    expect(await loadError('broken.keras', broken)).toMatch(/broken\.keras: weight logits\/kernel is \[100, 4\], the file's \[100, 3\]/);
  });
});
