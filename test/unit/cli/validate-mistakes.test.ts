/**
 * Each row is one distinct spec mistake. The CLI path (`graft validate`) must
 * reject it with exit code 2 and a problem line naming the field path, with
 * its line:column, and saying what is wrong.
 */
import { stringify } from 'yaml';
import { main } from '../../../cli/main';
import { captureIO } from '../../../cli/io';
import { makeSpecDir } from './spec-files';
import type { SpecDir } from './spec-files';

// Only the validate command: the other commands load TensorFlow and Temporal, which these tests do not need.
jest.mock('../../../cli/commands', () => ({
  commands: [(jest.requireActual('../../../cli/commands/validate') as typeof import('../../../cli/commands/validate')).validateCommand],
}));

type Plain = Record<string, unknown>;

const VALID: Plain = {
  name: 'ok',
  dataset: { source: 'idx:///data/fashion-mnist', classes: [0, 1], imageSize: 28, channels: 1 },
  base: { architecture: 'efficientnet-lite0' },
  train: { epochs: 1 },
};

/** Deep-merges `patch` into `base`; a `undefined` value deletes the key. */
function merge(base: Plain, patch: Plain): Plain {
  const out: Plain = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete out[key];
    else if (isPlain(value) && isPlain(out[key])) out[key] = merge(out[key] as Plain, value);
    else out[key] = value;
  }
  return out;
}

const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Mistake {
  readonly what: string;
  readonly patch?: Plain;
  /** Whole file text, for mistakes that no object patch can express. */
  readonly yaml?: string;
  readonly path: string;
  readonly says: string;
}

const MISTAKES: Mistake[] = [
  { what: 'name with spaces and capitals', patch: { name: 'My Pipeline' }, path: 'name', says: 'must be a name' },
  { what: 'name missing', patch: { name: undefined }, path: 'name', says: 'is required' },
  { what: 'dataset source with a bad scheme', patch: { dataset: { source: 'http://example/data' } }, path: 'dataset.source', says: 'idx://<dir>' },
  { what: 'dataset source missing', patch: { dataset: { source: undefined } }, path: 'dataset.source', says: 'is required' },
  { what: 'a class listed twice', patch: { dataset: { classes: [1, 1] } }, path: 'dataset.classes', says: 'must not repeat a class' },
  { what: 'a single class', patch: { dataset: { classes: [3] } }, path: 'dataset.classes', says: 'at least 2' },
  { what: 'limitPerClass zero', patch: { dataset: { limitPerClass: 0 } }, path: 'dataset.limitPerClass', says: 'from 1 to' },
  { what: 'split fractions summing to 1 or more', patch: { dataset: { split: { validation: 0.6, test: 0.5 } } }, path: 'dataset.split', says: 'must be below 1' },
  { what: 'negative validation fraction', patch: { dataset: { split: { validation: -0.1 } } }, path: 'dataset.split.validation', says: 'from 0 up to' },
  { what: 'imageSize with one side', patch: { dataset: { imageSize: [28] } }, path: 'dataset.imageSize', says: '[height, width]' },
  { what: 'two channels', patch: { dataset: { channels: 2 } }, path: 'dataset.channels', says: 'must be 1 or 3' },
  { what: 'unknown onBadImage policy', patch: { dataset: { onBadImage: 'ignore' } }, path: 'dataset.onBadImage', says: 'fail | skip' },
  { what: 'rotation as a word', patch: { augment: { rotationRange: 'lots' } }, path: 'augment.rotationRange', says: 'must be a number from 0 to 180, got "lots"' },
  { what: 'rotation above 180', patch: { augment: { rotationRange: 270 } }, path: 'augment.rotationRange', says: 'got 270' },
  { what: 'zoom min above max', patch: { augment: { zoomRange: [1.2, 0.8] } }, path: 'augment.zoomRange', says: 'min must not exceed max' },
  { what: 'brightness min above max', patch: { augment: { brightnessRange: [1.2, 0.8] } }, path: 'augment.brightnessRange', says: 'min must not exceed max' },
  { what: 'misspelt fill mode', patch: { augment: { fillMode: 'refelct' } }, path: 'augment.fillMode', says: 'did you mean "reflect"' },
  { what: 'misspelt augment key', patch: { augment: { rotation: 10 } }, path: 'augment.rotation', says: 'unknown key; did you mean "rotationRange"' },
  { what: 'fractional copies', patch: { augment: { copies: 1.5 } }, path: 'augment.copies', says: 'whole number' },
  { what: 'mixup probability above 1', patch: { augment: { mixup: { prob: 2 } } }, path: 'augment.mixup.prob', says: 'from 0 to 1' },
  { what: 'both base architecture and uri', patch: { base: { uri: 's3://graft/models/x/model.json' } }, path: 'base.uri', says: 'only one of architecture / uri' },
  { what: 'neither base architecture nor uri', patch: { base: { architecture: undefined, cutAt: 'pool3' } }, path: 'base', says: 'exactly one of architecture / uri' },
  { what: 'unknown architecture', patch: { base: { architecture: 'resnet50' } }, path: 'base.architecture', says: 'vgg16 | mobilenet | small-cnn' },
  { what: 'base uri with an unsupported scheme', patch: { base: { architecture: undefined, uri: 'ftp://host/model.json' } }, path: 'base.uri', says: 'file://' },
  { what: 'image too small for vgg16', patch: { dataset: { imageSize: 16, channels: 3 }, base: { architecture: 'vgg16' }, mode: 'retrain' }, path: 'dataset.imageSize', says: 'too small for base vgg16' },
  { what: 'image too small for small-cnn', patch: { dataset: { imageSize: undefined, channels: undefined }, base: { architecture: 'small-cnn', inputShape: [4, 4, 1] }, mode: 'retrain' }, path: 'base.inputShape', says: 'at least 8x8' },
  {
    what: 'transfer from a from-scratch architecture',
    patch: { base: { architecture: 'small-cnn' } },
    path: 'base.architecture',
    says: 'a random base has nothing to transfer: use efficientnet-lite0, efficientnet-lite1, efficientnet-lite2 with weights: imagenet, a pretrained model in base.uri, or mode: retrain to train small-cnn from scratch',
  },
  { what: 'transfer from random weights the user asked for', patch: { base: { weights: 'random' } }, path: 'base.weights', says: 'a random base has nothing to transfer' },
  { what: 'imagenet weights on vgg16', patch: { dataset: { imageSize: 32 }, base: { architecture: 'vgg16', weights: 'imagenet' } }, path: 'base.weights', says: 'imagenet weights exist for efficientnet-lite0, efficientnet-lite1, efficientnet-lite2 only' },
  { what: 'unknown weights', patch: { base: { weights: 'coco' } }, path: 'base.weights', says: 'imagenet | random' },
  { what: 'weights with a base from uri', patch: { base: { architecture: undefined, uri: 's3://graft/models/x/model.json', weights: 'imagenet' } }, path: 'base.weights', says: 'a base from uri brings its own weights' },
  { what: 'imagenet weights in retrain mode', patch: { mode: 'retrain', base: { weights: 'imagenet' } }, path: 'base.weights', says: 'mode retrain trains from random weights' },
  { what: 'inputSize on small-cnn', patch: { mode: 'retrain', base: { architecture: 'small-cnn', inputSize: 64 } }, path: 'base.inputSize', says: 'only efficientnet-lite0, efficientnet-lite1, efficientnet-lite2 resize images in the model' },
  { what: 'inputSize below the smallest network side', patch: { base: { inputSize: 16 } }, path: 'base.inputSize', says: 'from 32 to 1024' },
  { what: 'inputShape contradicting imageSize', patch: { base: { inputShape: [32, 32, 1] } }, path: 'base.inputShape', says: 'must match dataset.imageSize' },
  { what: 'unknown mode', patch: { mode: 'finetune' }, path: 'mode', says: 'transfer | retrain' },
  { what: 'misspelt head strategy', patch: { head: { strategy: 'dence' } }, path: 'head.strategy', says: 'did you mean "dense"' },
  { what: 'hidden layers with strategy replace', patch: { head: { strategy: 'replace', hidden: [64] } }, path: 'head.hidden', says: 'only used with strategy dense' },
  { what: 'dropout of 1', patch: { head: { strategy: 'dense', dropout: 1 } }, path: 'head.dropout', says: 'up to (not including) 1' },
  { what: 'zero epochs', patch: { train: { epochs: 0 } }, path: 'train.epochs', says: 'from 1 to 10000' },
  { what: 'unknown optimizer', patch: { train: { optimizer: 'adagrad' } }, path: 'train.optimizer', says: 'adam | adamw | sgd | rmsprop' },
  { what: 'negative learning rate', patch: { train: { learningRate: -0.01 } }, path: 'train.learningRate', says: 'above 0' },
  { what: 'early stopping on an unknown metric', patch: { train: { earlyStopping: { monitor: 'accuracy' } } }, path: 'train.earlyStopping.monitor', says: 'val_loss | val_acc' },
  { what: 'early stopping without validation data', patch: { dataset: { split: { validation: 0 } }, train: { earlyStopping: {} } }, path: 'train.earlyStopping', says: 'needs validation data' },
  { what: 'fine-tune with both topLayers and fromLayer', patch: { fineTune: { topLayers: 2, fromLayer: 'conv3' } }, path: 'fineTune.fromLayer', says: 'only one of topLayers / fromLayer' },
  { what: 'fine-tune with neither topLayers nor fromLayer', patch: { fineTune: { epochs: 2 } }, path: 'fineTune', says: 'exactly one of topLayers / fromLayer' },
  { what: 'fine-tune in retrain mode', patch: { mode: 'retrain', fineTune: { topLayers: 1 } }, path: 'fineTune', says: 'only applies to mode transfer' },
  { what: 'cron with 4 fields', patch: { schedule: { cron: '0 3 * *' } }, path: 'schedule.cron', says: 'must have 5 fields' },
  { what: 'cron minute out of range', patch: { schedule: { cron: '61 3 * * *' } }, path: 'schedule.cron', says: 'bad minute field' },
  { what: 'interval with an unknown unit', patch: { schedule: { every: '6x' } }, path: 'schedule.every', says: '<n>s|m|h|d' },
  { what: 'both cron and every', patch: { schedule: { cron: '0 3 * * *', every: '6h' } }, path: 'schedule.every', says: 'only one of cron / every' },
  { what: 'neither cron nor every', patch: { schedule: { onlyIfDataChanged: true } }, path: 'schedule', says: 'exactly one of cron / every' },
  { what: 'queue name with a space', patch: { queues: { cpu: 'my queue' } }, path: 'queues.cpu', says: 'task queue name' },
  { what: 'cache as a word', patch: { cache: 'yes' }, path: 'cache', says: 'must be true or false, got "yes"' },
  { what: 'unknown top-level key', patch: { epochs: 3 }, path: 'epochs', says: 'unknown key; allowed keys: name, dataset' },
  { what: 'a list instead of a mapping', yaml: '- name: ok\n', path: '(top level)', says: 'must be a mapping' },
];

describe('graft validate rejects each spec mistake with exit 2 and the field path', () => {
  let dir: SpecDir;
  beforeAll(() => {
    dir = makeSpecDir();
  });
  afterAll(() => dir.remove());

  it('has at least 25 distinct mistakes', () => {
    expect(new Set(MISTAKES.map((m) => m.what)).size).toBe(MISTAKES.length);
    expect(MISTAKES.length).toBeGreaterThanOrEqual(25);
  });

  it('accepts the unpatched spec (so each rejection is the mistake\'s doing)', async () => {
    const io = captureIO();
    expect(await main(['validate', dir.write('valid.yaml', stringify(VALID))], io)).toBe(0);
    expect(io.stderr).toEqual([]);
  });

  it.each(MISTAKES.map((m, i) => [m.what, m, i] as const))('%s', async (_what, mistake, i) => {
    const file = dir.write(`mistake-${i}.yaml`, mistake.yaml ?? stringify(merge(VALID, mistake.patch ?? {})));
    const io = captureIO();
    const code = await main(['validate', file], io);
    const err = io.stderr.join('\n');
    expect(code).toBe(2);
    expect(io.stdout).toEqual([]);
    expect(err).toContain(file);
    const line = io.stderr.find((l) => l.trimStart().startsWith(`${mistake.path} (`));
    expect(line).toMatch(new RegExp(`^\\s*${escape(mistake.path)} \\(\\d+:\\d+\\): `));
    expect(line).toContain(mistake.says);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
