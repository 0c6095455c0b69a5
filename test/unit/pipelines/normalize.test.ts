import { AUGMENT_DEFAULTS, normalizeAugmentOptions } from '../../../lib/augment';
import { SpecError } from '../../../lib/errors';
import { DEFAULT_HEAD_ACTIVATION } from '../../../lib/models/types';
import { definePipeline, parsePipelineYaml } from '../../../pipelines';
import type { PipelineInput, PipelineSpec } from '../../../pipelines';

/** A from-scratch base (small-cnn has no pretrained weights), so mode retrain. */
const minimal: PipelineInput = {
  name: 'minimal',
  dataset: { source: 'idx:///data/fmnist' },
  base: { architecture: 'small-cnn' },
  mode: 'retrain',
};

/** A pretrained base in the default mode, transfer. */
const photos: PipelineInput = {
  name: 'photos',
  dataset: { source: 'dir:///data/pets' },
  base: { architecture: 'efficientnet-lite0' },
};

describe('normalization: input forms and defaults', () => {
  it('fills every default of a minimal spec', () => {
    expect(definePipeline(minimal)).toEqual({
      name: 'minimal',
      dataset: {
        source: 'idx:///data/fmnist',
        classes: null,
        limitPerClass: null,
        split: { validation: 0.1, test: 0.1, seed: 42, trainPerClass: null },
        imageSize: [28, 28],
        channels: 1,
        onBadImage: 'fail',
      },
      augment: {
        rotationRange: 0,
        widthShiftRange: 0,
        heightShiftRange: 0,
        shearRange: 0,
        zoomRange: [1, 1],
        horizontalFlip: false,
        verticalFlip: false,
        brightnessRange: null,
        channelShiftRange: 0,
        fillMode: 'nearest',
        cval: 0,
        copies: 1,
        seed: 0,
        cutmix: null,
        mixup: null,
      },
      base: { architecture: 'small-cnn', weights: 'random', inputSize: null, uri: null, inputShape: [28, 28, 1], alpha: 1, cutAt: null },
      mode: 'retrain',
      head: { strategy: 'replace', pooling: 'flatten', hidden: [], activation: 'relu', dropout: 0 },
      train: {
        epochs: 10, batchSize: 32, optimizer: 'adam', learningRate: 0.001, earlyStopping: null,
        lrSchedule: { kind: 'constant' }, weightDecay: 0, momentum: 0, nesterov: false, labelSmoothing: 0, classWeights: null,
      },
      fineTune: null,
      evaluate: { tta: false },
      schedule: null,
      queues: { cpu: 'graft-cpu', gpu: 'graft-gpu' },
      cache: true,
    });
  });

  it('reads a number n as [n, n] for imageSize and as [1-z, 1+z] for zoomRange', () => {
    const spec = definePipeline({ ...minimal, dataset: { ...minimal.dataset, imageSize: 32 }, augment: { zoomRange: 0.25 } });
    expect(spec.dataset.imageSize).toEqual([32, 32]);
    expect(spec.base.inputShape).toEqual([32, 32, 1]);
    expect(spec.augment.zoomRange).toEqual([0.75, 1.25]);
  });

  it('takes imageSize and channels from base.inputShape when only that is given', () => {
    const spec = definePipeline({ ...minimal, base: { architecture: 'mobilenet', inputShape: [64, 48, 3] } });
    expect(spec.dataset).toMatchObject({ imageSize: [64, 48], channels: 3 });
  });

  it('gives a dense head [256] units and dropout 0.5 by default, and reads hidden n as [n]', () => {
    expect(definePipeline({ ...minimal, head: { strategy: 'dense' } }).head).toMatchObject({ hidden: [256], dropout: 0.5 });
    expect(definePipeline({ ...minimal, head: { strategy: 'dense', hidden: 128 } }).head.hidden).toEqual([128]);
  });

  it('defaults fineTune.batchSize to train.batchSize, and the optional blocks to their documented values', () => {
    // fineTune applies to mode transfer only, so a pretrained base.
    const spec = definePipeline({
      ...photos,
      train: { batchSize: 8, earlyStopping: {} },
      fineTune: { fromLayer: 'conv3' },
      augment: { cutmix: {}, mixup: {} },
      schedule: { every: '6h' },
    });
    expect(spec.fineTune).toEqual({
      topLayers: null, fromLayer: 'conv3', epochs: 5, learningRate: 0.00001, batchSize: 8, layerGroups: 1, groupLrFactor: 1, unfreezeEvery: null,
    });
    expect(spec.train.earlyStopping).toEqual({ patience: 3, monitor: 'val_loss', minDelta: 0, restoreBestWeights: true });
    expect(spec.augment.cutmix).toEqual({ alpha: 1, prob: 0.5 });
    expect(spec.augment.mixup).toEqual({ alpha: 0.2, prob: 0.5 });
    expect(spec.schedule).toEqual({ cron: null, every: '6h', onlyIfDataChanged: false, promoteMargin: 0 });
  });

  it('accepts class names and the other dataset URI schemes', () => {
    expect(definePipeline({ ...minimal, dataset: { source: 'dir:///data/pets', classes: ['cat', 'dog'] } }).dataset.classes).toEqual(['cat', 'dog']);
    expect(definePipeline({ ...minimal, dataset: { source: 's3://graft-data/pets/v1' } }).dataset.source).toBe('s3://graft-data/pets/v1');
  });

  it('types the input, so that TypeScript rejects what validation rejects', () => {
    // @ts-expect-error: unknown top-level key
    expect(() => definePipeline({ ...minimal, epochs: 3 })).toThrow(SpecError);
    // @ts-expect-error: not a head strategy
    expect(() => definePipeline({ ...minimal, head: { strategy: 'linear' } })).toThrow(SpecError);
    // @ts-expect-error: rotationRange is a number
    expect(() => definePipeline({ ...minimal, augment: { rotationRange: 'lots' } })).toThrow(SpecError);
  });

  it('reads an empty YAML block (all its lines commented out) as the defaults', () => {
    const text = 'name: empty-blocks\ndataset:\n  source: idx:///data/fmnist\nbase:\n  architecture: small-cnn\nmode: retrain\naugment:\n  # rotationRange: 10\nhead:\ntrain:\nqueues:\n';
    expect(parsePipelineYaml(text, 'empty.yaml')).toEqual(definePipeline({ ...minimal, name: 'empty-blocks' }));
  });
});

describe('normalization: base weights and input size', () => {
  it('gives an EfficientNet-Lite its imagenet weights and, in the default mode transfer, photos at the side it was trained at', () => {
    const spec = definePipeline(photos);
    expect(spec.mode).toBe('transfer');
    expect(spec.base).toEqual({
      architecture: 'efficientnet-lite0', weights: 'imagenet', inputSize: 224, uri: null, inputShape: [224, 224, 3], alpha: 1, cutAt: null,
    });
    expect(spec.dataset).toMatchObject({ imageSize: [224, 224], channels: 3 });
  });

  it('keeps the dataset\'s own image shape; the network still runs at its side (the model resizes)', () => {
    const spec = definePipeline({ ...photos, dataset: { source: 'idx:///data/fmnist', imageSize: 28, channels: 1 } });
    expect(spec.base).toMatchObject({ inputShape: [28, 28, 1], inputSize: 224, weights: 'imagenet' });
    expect(spec.dataset).toMatchObject({ imageSize: [28, 28], channels: 1 });
  });

  it('runs each EfficientNet-Lite at the side it was trained at, unless inputSize says otherwise', () => {
    expect(definePipeline({ ...photos, base: { architecture: 'efficientnet-lite1' } }).base).toMatchObject({ inputSize: 240, inputShape: [240, 240, 3] });
    expect(definePipeline({ ...photos, base: { architecture: 'efficientnet-lite2' } }).base).toMatchObject({ inputSize: 260, inputShape: [260, 260, 3] });
    expect(definePipeline({ ...photos, base: { architecture: 'efficientnet-lite0', inputSize: 32 } }).base).toMatchObject({ inputSize: 32, inputShape: [32, 32, 3] });
  });

  it('starts mode retrain from random weights, whatever the architecture', () => {
    expect(definePipeline({ ...photos, mode: 'retrain' }).base).toMatchObject({ architecture: 'efficientnet-lite0', weights: 'random', inputSize: 224 });
    expect(definePipeline({ ...photos, base: { architecture: 'efficientnet-lite0', weights: 'random' }, mode: 'retrain' }).base.weights).toBe('random');
    expect(definePipeline({ ...minimal, base: { architecture: 'vgg16', inputShape: [32, 32, 3] } }).base).toMatchObject({ weights: 'random', inputSize: null });
  });

  it('leaves weights and inputSize empty for a base from uri, which brings its own', () => {
    const spec = definePipeline({ ...photos, base: { uri: 's3://graft/models/fmnist-pretrain/current/model.json', cutAt: 'pool3' } });
    expect(spec.mode).toBe('transfer');
    expect(spec.base).toEqual({
      architecture: null, weights: null, inputSize: null, uri: 's3://graft/models/fmnist-pretrain/current/model.json', inputShape: [28, 28, 1], alpha: 1, cutAt: 'pool3',
    });
  });

  it('refuses to transfer from a random base, naming the field the user wrote', () => {
    const scratch = { ...photos, base: { architecture: 'small-cnn' } } satisfies PipelineInput;
    expect(() => definePipeline(scratch)).toThrow(/base\.architecture: a random base has nothing to transfer: use efficientnet-lite0, efficientnet-lite1, efficientnet-lite2 with weights: imagenet/);
    expect(() => definePipeline({ ...photos, base: { architecture: 'efficientnet-lite0', weights: 'random' } })).toThrow(/base\.weights: a random base has nothing to transfer/);
    // The same bases are fine to train from scratch.
    expect(definePipeline({ ...scratch, mode: 'retrain' }).base.weights).toBe('random');
  });
});

/** True when no field of T, at any depth, may be left out or undefined (null, a set value, is fine). */
type FullyResolved<T> = T extends readonly unknown[]
  ? true
  : T extends object
    ? { [K in keyof T]-?: undefined extends T[K] ? false : FullyResolved<NonNullable<T[K]>> }[keyof T] extends true ? true : false
    : true;

/** Every path in `value` whose value is undefined. */
function undefinedPaths(value: unknown, path = '$'): string[] {
  if (value === undefined) return [path];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => undefinedPaths(v, `${path}.${k}`));
}

describe('normalization: each default has one definition', () => {
  it('resolves every field, so that stages and lib need not fill any default', () => {
    // Compile-time: tsc -p tsconfig.test.json fails here if a field of the normalized spec becomes optional.
    const typed: FullyResolved<PipelineSpec> = true;
    expect(typed).toBe(true);
    const every = definePipeline({
      ...photos, fineTune: { topLayers: 2 }, schedule: { cron: '0 3 * * *' }, train: { earlyStopping: {} }, augment: { cutmix: {}, mixup: {} },
    });
    expect(undefinedPaths(every)).toEqual([]);
    expect(undefinedPaths(definePipeline(minimal))).toEqual([]);
  });

  it('takes the augment defaults lib/augment fills for partial callers (AUGMENT_DEFAULTS), not a copy of them', () => {
    const { augment } = definePipeline(minimal);
    expect(augment).toEqual(AUGMENT_DEFAULTS);
    expect(normalizeAugmentOptions({})).toEqual(augment);
    // A fresh zoomRange per spec: the shared default is frozen.
    expect(augment.zoomRange).not.toBe(AUGMENT_DEFAULTS.zoomRange);
    expect(Object.isFrozen(AUGMENT_DEFAULTS) && Object.isFrozen(AUGMENT_DEFAULTS.zoomRange)).toBe(true);
  });

  it('takes the head activation buildHead uses when none is given from lib/models (DEFAULT_HEAD_ACTIVATION)', () => {
    expect(definePipeline({ ...minimal, head: { strategy: 'dense' } }).head.activation).toBe(DEFAULT_HEAD_ACTIVATION);
  });

  it('fills fineTune.batchSize only when it is left out', () => {
    const spec = definePipeline({ ...photos, train: { batchSize: 8 }, fineTune: { topLayers: 2, batchSize: 4 } });
    expect(spec.fineTune?.batchSize).toBe(4);
  });
});
