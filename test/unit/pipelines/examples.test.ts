import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadPipeline, specHash, validatePipeline } from '../../../pipelines';

const DIR = join(__dirname, '../../../pipelines');
const EXAMPLES = readdirSync(DIR).filter((file) => file.endsWith('.yaml'));

describe('example pipelines', () => {
  it('includes the documented examples', () => {
    expect(EXAMPLES).toEqual(expect.arrayContaining([
      'fmnist-imagenet.yaml', 'fmnist-scratch.yaml', 'fmnist-pretrain.yaml', 'fmnist-transfer.yaml', 'head-replace.yaml', 'head-dense.yaml', 'vgg16-seed.yaml',
    ]));
  });

  it.each(EXAMPLES)('%s validates, named after its file', async (file) => {
    const spec = await loadPipeline(join(DIR, file));
    expect(spec.name).toBe(file.replace(/\.yaml$/, ''));
  });

  it.each(EXAMPLES)('%s: the normalized spec is valid input that normalizes to itself', async (file) => {
    const spec = await loadPipeline(join(DIR, file));
    const again = validatePipeline(JSON.parse(JSON.stringify(spec)));
    expect(again).toEqual(spec);
    expect(specHash(again)).toBe(specHash(spec));
  });

  it.each(EXAMPLES)('%s points editors at the JSON Schema', (file) => {
    expect(readFileSync(join(DIR, file), 'utf8')).toMatch(/^# yaml-language-server: \$schema=\.\/pipeline\.schema\.json$/m);
  });

  it('fmnist-pretrain trains small-cnn from scratch on classes 0-4', async () => {
    const spec = await loadPipeline(join(DIR, 'fmnist-pretrain.yaml'));
    expect(spec.mode).toBe('retrain');
    expect(spec.base).toMatchObject({ architecture: 'small-cnn', uri: null, inputShape: [28, 28, 1] });
    expect(spec.dataset.classes).toEqual([0, 1, 2, 3, 4]);
    expect(spec.dataset.source).toBe('idx:///usr/share/datasets/fashion-mnist');
    expect(spec.train.epochs).toBeLessThanOrEqual(5);
  });

  it('fmnist-transfer reuses the pretrained model on classes 5-9 with few labels', async () => {
    const spec = await loadPipeline(join(DIR, 'fmnist-transfer.yaml'));
    expect(spec.base).toMatchObject({ architecture: null, uri: 's3://graft/models/fmnist-pretrain/current/model.json', cutAt: 'pool3' });
    expect(spec.dataset.classes).toEqual([5, 6, 7, 8, 9]);
    // Few labels: what is left for training after validation and test.
    const perClass = spec.dataset.limitPerClass!;
    expect(perClass * (1 - spec.dataset.split.validation - spec.dataset.split.test)).toBeLessThanOrEqual(50);
    expect(spec.head.strategy).toBe('replace');
    expect(spec.fineTune).toMatchObject({ topLayers: null, fromLayer: 'conv3', batchSize: spec.train.batchSize });
  });

  it('head-replace and head-dense show one head strategy each', async () => {
    const replace = await loadPipeline(join(DIR, 'head-replace.yaml'));
    const dense = await loadPipeline(join(DIR, 'head-dense.yaml'));
    expect(replace.head).toMatchObject({ strategy: 'replace', hidden: [], dropout: 0 });
    expect(dense.head.strategy).toBe('dense');
    expect(dense.head.hidden.length).toBeGreaterThan(0);
  });

  it('vgg16-seed is the seed\'s 224x224x3 VGG16 with a dense [512] flatten head on 5 classes, from scratch', async () => {
    const spec = await loadPipeline(join(DIR, 'vgg16-seed.yaml'));
    expect(spec.mode).toBe('retrain');
    expect(spec.base.weights).toBe('random');
    expect(spec.fineTune).toBeNull();
    expect(spec.base).toMatchObject({ architecture: 'vgg16', inputShape: [224, 224, 3] });
    expect(spec.dataset).toMatchObject({ imageSize: [224, 224], channels: 3 });
    expect(spec.dataset.classes).toHaveLength(5);
    expect(spec.head).toMatchObject({ strategy: 'dense', hidden: [512], pooling: 'flatten' });
  });
});
