import { SpecError } from '../../../lib/errors';
import { definePipeline, parsePipelineYaml } from '../../../pipelines';
import type { PipelineInput } from '../../../pipelines';

const minimal: PipelineInput = {
  name: 'minimal',
  dataset: { source: 'idx:///data/fmnist' },
  base: { architecture: 'small-cnn' },
};

describe('normalization: input forms and defaults', () => {
  it('fills every default of a minimal spec', () => {
    expect(definePipeline(minimal)).toEqual({
      name: 'minimal',
      dataset: {
        source: 'idx:///data/fmnist',
        classes: null,
        limitPerClass: null,
        split: { validation: 0.1, test: 0.1, seed: 42 },
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
      base: { architecture: 'small-cnn', uri: null, inputShape: [28, 28, 1], alpha: 1, cutAt: null },
      mode: 'transfer',
      head: { strategy: 'replace', pooling: 'flatten', hidden: [], activation: 'relu', dropout: 0 },
      train: { epochs: 10, batchSize: 32, optimizer: 'adam', learningRate: 0.001, earlyStopping: null },
      fineTune: null,
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
    const spec = definePipeline({
      ...minimal,
      train: { batchSize: 8, earlyStopping: {} },
      fineTune: { fromLayer: 'conv3' },
      augment: { cutmix: {}, mixup: {} },
      schedule: { every: '6h' },
    });
    expect(spec.fineTune).toEqual({ topLayers: null, fromLayer: 'conv3', epochs: 5, learningRate: 0.00001, batchSize: 8 });
    expect(spec.train.earlyStopping).toEqual({ patience: 3, monitor: 'val_loss', minDelta: 0 });
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
    const text = 'name: empty-blocks\ndataset:\n  source: idx:///data/fmnist\nbase:\n  architecture: small-cnn\naugment:\n  # rotationRange: 10\nhead:\ntrain:\nqueues:\n';
    expect(parsePipelineYaml(text, 'empty.yaml')).toEqual(definePipeline({ ...minimal, name: 'empty-blocks' }));
  });
});
