// A catalogue of bad inputs. Each must be answered with a clear error naming
// the problem: exit code 2 from the CLI, or a run that fails at once with a
// non-retryable failure (every activity on attempt 1: no retry storm) and
// leaves no manifest committed for the failing stage.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-node';
import { main } from '../../cli/main';
import { captureIO } from '../../cli/io';
import { describeFailure, startRun } from '../../runtime/runs';
import { MinioStore } from '../../lib/store/minio-store';
import { storeConfigFromEnv } from '../../lib/store/store-config';
import type { PipelineInput } from '../../pipelines/schema';
import type { TestStack } from '../integration/support/harness';
import { openTestStack, smallPipeline, startInProcessWorker, tempDir } from '../integration/support/harness';
import { activityAttempts, committed, recordFault } from './support/chaos';

const VALID = `name: bad-input
dataset:
  source: idx:///usr/share/datasets/fashion-mnist
  classes: [0, 1]
  limitPerClass: 20
  imageSize: 28
  channels: 1
base:
  architecture: efficientnet-lite0
  inputSize: 32
train:
  epochs: 1
`;
const edit = (from: string, to: string) => {
  if (!VALID.includes(from)) throw new Error(`the valid spec has no ${JSON.stringify(from)}`);
  return VALID.replace(from, to);
};

const dir = tempDir('chaos-bad');
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};

async function cli(args: string[]): Promise<{ code: number; err: string }> {
  const io = captureIO();
  const code = await main(args, io);
  return { code, err: [...io.stderr, ...io.stdout].join('\n') };
}

test('the unedited spec is valid, so every case below fails only for its own edit', async () => {
  expect((await cli(['validate', write('valid.yaml', VALID)])).code).toBe(0);
});

/** Spec and usage mistakes: `graft validate` / `graft run` exit 2 naming the problem. */
const CLI_CASES: { id: string; what: string; args: () => string[]; names: RegExp }[] = [
  { id: 'yaml-malformed', what: 'malformed YAML (unclosed flow sequence)', args: () => ['validate', write('c1.yaml', edit('classes: [0, 1]', 'classes: [0, 1'))], names: /yaml/i },
  { id: 'yaml-duplicate-key', what: 'a key written twice', args: () => ['validate', write('c2.yaml', `${VALID}name: again\n`)], names: /unique|duplicate/i },
  { id: 'yaml-two-documents', what: 'two YAML documents in one file', args: () => ['validate', write('c3.yaml', `${VALID}---\nname: other\n`)], names: /one YAML document/ },
  { id: 'yaml-empty', what: 'an empty file', args: () => ['validate', write('c4.yaml', '')], names: /no YAML document|name/ },
  { id: 'type-epochs-string', what: 'train.epochs given as a word', args: () => ['validate', write('c5.yaml', edit('epochs: 1', 'epochs: ten'))], names: /train\.epochs/ },
  { id: 'type-flip-string', what: 'augment.horizontalFlip given as a string', args: () => ['validate', write('c6.yaml', `${VALID}augment:\n  horizontalFlip: "yes"\n`)], names: /augment\.horizontalFlip/ },
  { id: 'type-classes-map', what: 'dataset.classes given as a mapping', args: () => ['validate', write('c7.yaml', edit('classes: [0, 1]', 'classes: {a: 1}'))], names: /dataset\.classes/ },
  { id: 'range-validation', what: 'dataset.split.validation above 1', args: () => ['validate', write('c8.yaml', `${VALID.replace('  channels: 1\n', '  channels: 1\n  split:\n    validation: 1.5\n')}`)], names: /dataset\.split\.validation/ },
  { id: 'range-learning-rate', what: 'a negative train.learningRate', args: () => ['validate', write('c9.yaml', edit('epochs: 1', 'epochs: 1\n  learningRate: -0.1'))], names: /train\.learningRate/ },
  { id: 'range-rotation', what: 'augment.rotationRange of 400 degrees', args: () => ['validate', write('c10.yaml', `${VALID}augment:\n  rotationRange: 400\n`)], names: /augment\.rotationRange/ },
  { id: 'range-epochs-zero', what: 'train.epochs of 0', args: () => ['validate', write('c11.yaml', edit('epochs: 1', 'epochs: 0'))], names: /train\.epochs/ },
  { id: 'range-split-sum', what: 'validation + test leaving nothing to train on', args: () => ['validate', write('c12.yaml', VALID.replace('  channels: 1\n', '  channels: 1\n  split:\n    validation: 0.5\n    test: 0.5\n'))], names: /validation \+ test/ },
  { id: 'range-channels', what: 'dataset.channels of 2', args: () => ['validate', write('c13.yaml', edit('channels: 1', 'channels: 2'))], names: /dataset\.channels/ },
  { id: 'unknown-top-key', what: 'a misspelt top-level key (trian)', args: () => ['validate', write('c14.yaml', edit('train:', 'trian:'))], names: /trian/ },
  { id: 'unknown-nested-key', what: 'an unknown key inside augment', args: () => ['validate', write('c15.yaml', `${VALID}augment:\n  rotation: 10\n`)], names: /rotation/ },
  { id: 'missing-dataset', what: 'no dataset section', args: () => ['validate', write('c16.yaml', 'name: x\nbase:\n  architecture: efficientnet-lite0\n')], names: /dataset/ },
  { id: 'bad-name', what: 'a pipeline name with spaces and capitals', args: () => ['validate', write('c17.yaml', edit('name: bad-input', 'name: My Pipeline'))], names: /name/ },
  { id: 'base-both', what: 'base with both architecture and uri', args: () => ['validate', write('c18.yaml', edit('architecture: efficientnet-lite0', 'architecture: efficientnet-lite0\n  uri: file:///tmp/m/model.json'))], names: /base/ },
  { id: 'unknown-architecture', what: 'an unknown base architecture', args: () => ['validate', write('c19.yaml', edit('efficientnet-lite0', 'resnet'))], names: /base\.architecture/ },
  { id: 'image-too-small', what: 'images too small for the base (28 px for vgg16)', args: () => ['validate', write('c20.yaml', edit('efficientnet-lite0', 'vgg16'))], names: /too small for base vgg16/ },
  { id: 'fine-tune-retrain', what: 'fineTune with mode retrain', args: () => ['validate', write('c21.yaml', `${VALID}mode: retrain\nfineTune:\n  topLayers: 2\n`)], names: /fineTune/ },
  { id: 'repeated-class', what: 'a class listed twice', args: () => ['validate', write('c22.yaml', edit('classes: [0, 1]', 'classes: [0, 0]'))], names: /dataset\.classes/ },
  { id: 'bad-source-scheme', what: 'a dataset source with an unknown scheme', args: () => ['validate', write('c23.yaml', edit('idx:///usr', 'ftp:///usr'))], names: /dataset\.source/ },
  { id: 'spec-missing-file', what: 'a spec file that does not exist', args: () => ['validate', path.join(dir, 'nowhere.yaml')], names: /no such file/ },
  { id: 'spec-wrong-extension', what: 'a spec file of an unsupported type', args: () => ['validate', write('c25.txt', VALID)], names: /unsupported pipeline file type/ },
  { id: 'usage-unknown-command', what: 'an unknown command (valdate)', args: () => ['valdate', 'x.yaml'], names: /did you mean "validate"/ },
  { id: 'usage-bad-heartbeat', what: 'run --heartbeat with a non-number', args: () => ['run', write('c27.yaml', VALID), '--heartbeat', 'soon'], names: /--heartbeat/ },
  { id: 'usage-bad-fan-out', what: 'run --fan-out 0', args: () => ['run', write('c29.yaml', VALID), '--fan-out', '0'], names: /--fan-out/ },
  { id: 'run-invalid-spec', what: 'graft run of an invalid spec (nothing is started)', args: () => ['run', write('c28.yaml', edit('epochs: 1', 'epochs: -3'))], names: /train\.epochs/ },
];

describe('spec and usage mistakes exit 2 naming the problem', () => {
  test.each(CLI_CASES)('$id: $what', async (c) => {
    const { code, err } = await cli(c.args());
    recordFault({
      id: c.id, group: 'bad-input', fault: c.what, survived: code === 2 && c.names.test(err), redone: 'n/a (exit 2)', dataLost: 0,
      detail: `exit ${code}: ${err.split('\n').slice(0, 2).join(' / ').slice(0, 200)}`,
    });
    expect(code).toBe(2);
    expect(err).toMatch(c.names);
    expect(err).not.toMatch(/^\s+at /m); // a message, not a stack trace
  });
});

describe('bad data, models and stores fail the run at once, non-retryable, with nothing committed', () => {
  let stack: TestStack;
  let worker: Awaited<ReturnType<typeof startInProcessWorker>>;
  let server: http.Server;
  let modelUrl: string;

  beforeAll(async () => {
    stack = await openTestStack('chaos-bad');
    worker = await startInProcessWorker(stack);
    server = http.createServer((_req, res) => {
      res.statusCode = 404;
      res.end('not here');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    modelUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/models/base/model.json`;
  });
  afterAll(async () => {
    server.close();
    worker.workers.shutdown();
    await worker.done;
    await stack.close();
  });

  const fm = (extra: Record<string, unknown> = {}) => ({
    source: 'idx:///usr/share/datasets/fashion-mnist', classes: [0, 1], limitPerClass: 20,
    split: { validation: 0.2, test: 0.2, seed: 1 }, imageSize: 28, channels: 1, ...extra,
  });

  const RUN_CASES: { id: string; what: string; stage: string; type: string; names: RegExp; spec: () => Promise<Record<string, unknown>> }[] = [
    { id: 'missing-dataset-path', what: 'a dataset folder that does not exist', stage: 'ingest', type: 'DataError', names: /does not exist/, spec: async () => ({ dataset: fm({ source: 'idx:///nonexistent/graft-data' }) }) },
    { id: 'empty-class-folder', what: 'an empty class folder', stage: 'ingest', type: 'DataError', names: /class folder "empty" has no images/, spec: async () => ({ dataset: { ...fm(), classes: null, source: `dir://${await imageFolder('empty', (d) => fs.mkdirSync(path.join(d, 'empty')))}` } }) },
    { id: 'corrupt-image', what: 'a truncated PNG (onBadImage: fail)', stage: 'ingest', type: 'DataError', names: /broken\.png/, spec: async () => ({ dataset: { ...fm(), classes: null, source: `dir://${await imageFolder('corrupt', (d) => fs.writeFileSync(path.join(d, 'a', 'broken.png'), fs.readFileSync(path.join(d, 'a', '0.png')).subarray(0, 40)))}` } }) },
    { id: 'idx-wrong-magic', what: 'an IDX file with a wrong magic number', stage: 'ingest', type: 'DataError', names: /wrong IDX magic number/, spec: async () => ({ dataset: fm({ source: `idx://${idxFolder('magic', { magic: 0x12340803 })}`, classes: null }) }) },
    { id: 'idx-label-count', what: 'IDX labels fewer than the images', stage: 'ingest', type: 'DataError', names: /labels for \d+ images/, spec: async () => ({ dataset: fm({ source: `idx://${idxFolder('labels', { labels: 5 })}`, classes: null }) }) },
    { id: 'class-out-of-range', what: 'a class index the dataset does not have', stage: 'ingest', type: 'DataError', names: /class index 42 is out of range/, spec: async () => ({ dataset: fm({ classes: [0, 42] }) }) },
    { id: 'missing-bucket', what: 'an s3:// dataset in a bucket other than the store\'s', stage: 'ingest', type: 'DataError', names: /not "graft-chaos-no-such-bucket"/, spec: async () => ({ dataset: fm({ source: 's3://graft-chaos-no-such-bucket/images/' }) }) },
    { id: 'empty-s3-prefix', what: 'an s3:// dataset prefix with no objects', stage: 'ingest', type: 'DataError', names: /no class sub-prefixes/, spec: async () => ({ dataset: fm({ source: `s3://${stack.bucket}/no/images/here/`, classes: null }) }) },
    { id: 'unknown-cut-layer', what: 'base.cutAt naming a layer the base does not have', stage: 'base', type: 'ModelError', names: /no_such_layer/, spec: async () => ({ dataset: fm(), augment: { copies: 0 }, base: { architecture: 'efficientnet-lite0', inputSize: 32, cutAt: 'no_such_layer' } }) },
    { id: 'model-uri-404', what: 'a base model URI that answers 404', stage: 'base', type: 'ModelError', names: /not found/, spec: async () => ({ dataset: fm(), augment: { copies: 0 }, base: { uri: modelUrl, inputShape: [28, 28, 1] } }) },
    { id: 'unknown-unfreeze-layer', what: 'fineTune.fromLayer naming a layer the base does not have', stage: 'fine-tune', type: 'ModelError', names: /no_such_layer/, spec: async () => ({ dataset: fm(), augment: { copies: 0 }, train: { epochs: 1, batchSize: 16 }, fineTune: { fromLayer: 'no_such_layer', epochs: 1 } }) },
  ];

  test.each(RUN_CASES)('$id: $what', async (c) => {
    const spec = smallPipeline(stack, { name: `bad-${c.id}`.slice(0, 60), ...(await c.spec()) } as Partial<PipelineInput>);
    const handle = await startRun(stack.client, spec);
    const failure = await handle.result().then(() => 'completed', (err: unknown) => describeFailure(err));
    const attempts = await activityAttempts(handle);
    const maxAttempt = Math.max(...attempts.map((a) => a.attempt));
    const manifests = (await committed(stack.store, c.stage)).length;
    const ok = failure.startsWith(`${c.type}: `) && c.names.test(failure) && maxAttempt === 1 && manifests === 0;
    recordFault({
      id: c.id, group: 'bad-input', fault: c.what, survived: ok, redone: `max attempt ${maxAttempt}`, dataLost: manifests,
      detail: `${failure.slice(0, 220)}; ${manifests} ${c.stage} manifest(s) committed`,
    });
    expect(failure).toMatch(new RegExp(`^${c.type}: `));
    expect(failure).toMatch(c.names);
    expect(maxAttempt).toBe(1);
    expect(manifests).toBe(0);
  });

  test('bad-credentials: a store with a wrong secret is refused with a non-retryable AccessError', async () => {
    const store = new MinioStore(storeConfigFromEnv({ ...process.env, GRAFT_BUCKET: stack.bucket, GRAFT_S3_SECRET_KEY: 'not-the-secret-3141' }));
    const err = await store.get('cache/x').then(() => undefined, (e: unknown) => e as { type?: string; retryable?: boolean; message: string });
    recordFault({
      id: 'bad-credentials', group: 'bad-input', fault: 'a wrong S3 secret key', survived: err?.type === 'AccessError' && err.retryable === false,
      redone: 'n/a (not retried)', dataLost: 0, detail: `${err?.type}: ${err?.message.slice(0, 200)}`,
    });
    expect(err?.type).toBe('AccessError');
    expect(err?.retryable).toBe(false);
    expect(err?.message).not.toContain('not-the-secret-3141');
  });

  test('missing-bucket-store: reading from a bucket that does not exist names the bucket, non-retryable', async () => {
    const store = new MinioStore(storeConfigFromEnv({ ...process.env, GRAFT_BUCKET: 'graft-chaos-absent-bucket' }));
    const err = await store.get('cache/x').then(() => undefined, (e: unknown) => e as { type?: string; retryable?: boolean; message: string });
    recordFault({
      id: 'missing-bucket-store', group: 'bad-input', fault: 'a store whose bucket does not exist', survived: err?.retryable === false && /graft-chaos-absent-bucket/.test(err.message),
      redone: 'n/a (not retried)', dataLost: 0, detail: `${err?.type}: ${err?.message.slice(0, 200)}`,
    });
    expect(err?.retryable).toBe(false);
    expect(err?.message).toContain('graft-chaos-absent-bucket');
  });
});

/** A dir:// dataset of two classes (a, b) of 10 real images each, changed by `mutate`. */
async function imageFolder(label: string, mutate: (root: string) => void): Promise<string> {
  const root = path.join(dir, `images-${label}`);
  for (const [c, value] of [['a', 40], ['b', 200]] as const) {
    fs.mkdirSync(path.join(root, c), { recursive: true });
    for (let i = 0; i < 10; i++) {
      const pixels = tf.fill([28, 28, 1], (value + i) % 256, 'int32') as tf.Tensor3D;
      fs.writeFileSync(path.join(root, c, `${i}.png`), await tf.node.encodePng(pixels));
      pixels.dispose();
    }
  }
  mutate(root);
  return root;
}

/** An uncompressed IDX pair of 20 images, with a chosen magic number or label count. */
function idxFolder(label: string, opts: { magic?: number; labels?: number }): string {
  const root = path.join(dir, `idx-${label}`);
  fs.mkdirSync(root, { recursive: true });
  const n = 20;
  const images = Buffer.alloc(16 + n * 28 * 28);
  images.writeUInt32BE(opts.magic ?? 0x00000803, 0);
  images.writeUInt32BE(n, 4);
  images.writeUInt32BE(28, 8);
  images.writeUInt32BE(28, 12);
  const labelCount = opts.labels ?? n;
  const labels = Buffer.alloc(8 + labelCount);
  labels.writeUInt32BE(0x00000801, 0);
  labels.writeUInt32BE(labelCount, 4);
  for (let i = 0; i < labelCount; i++) labels[8 + i] = i % 2;
  fs.writeFileSync(path.join(root, 'train-images-idx3-ubyte'), images);
  fs.writeFileSync(path.join(root, 'train-labels-idx1-ubyte'), labels);
  return root;
}
