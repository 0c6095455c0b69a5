// The model-spec hash: what a scheduled run compares with the current model's
// to tell whether the spec changed anything that shapes the model.
import { definePipeline, modelSpecHash, specHash } from '../../../pipelines';
import type { PipelineInput } from '../../../pipelines';
import { NOT_MODEL_FIELDS } from '../../../pipelines/spec-hash';

const input: PipelineInput = {
  name: 'shirts',
  dataset: { source: 'idx:///data/fmnist', classes: [0, 6], imageSize: 28, channels: 1 },
  base: { architecture: 'efficientnet-lite0', inputSize: 32 },
  head: { strategy: 'replace' },
  schedule: { cron: '0 3 * * *', onlyIfDataChanged: true },
};
const hashOf = (patch: Partial<PipelineInput>) => modelSpecHash(definePipeline({ ...input, ...patch } as PipelineInput));
const original = hashOf({});

describe('modelSpecHash', () => {
  it('leaves out exactly the name, the schedule, the queues and the cache switch', () => {
    expect(NOT_MODEL_FIELDS).toEqual(['name', 'schedule', 'queues', 'cache']);
  });

  it.each<[string, Partial<PipelineInput>]>([
    ['name', { name: 'shirts-v2' }],
    ['schedule timing', { schedule: { every: '6h', onlyIfDataChanged: true } }],
    ['schedule promoteMargin', { schedule: { cron: '0 3 * * *', promoteMargin: 0.05 } }],
    ['no schedule', { schedule: null }],
    ['queues', { queues: { cpu: 'other-cpu', gpu: 'other-gpu' } }],
    ['cache', { cache: false }],
  ])('does not change with %s', (_what, patch) => {
    expect(hashOf(patch)).toBe(original);
  });

  it.each<[string, Partial<PipelineInput>]>([
    ['head', { head: { strategy: 'dense', hidden: 64 } }],
    ['augment', { augment: { rotationRange: 10, copies: 1 } }],
    ['base', { base: { architecture: 'efficientnet-lite0', inputSize: 48 } }],
    ['mode', { mode: 'retrain', base: { architecture: 'small-cnn' } }],
    ['train', { train: { epochs: 3 } }],
    ['fineTune', { fineTune: { topLayers: 4 } }],
    ['dataset split', { dataset: { ...input.dataset, split: { seed: 7 } } }],
  ])('changes with %s', (_what, patch) => {
    expect(hashOf(patch)).not.toBe(original);
  });

  it('is a sha256 in hex, unlike specHash which covers the whole spec', () => {
    expect(original).toMatch(/^[0-9a-f]{64}$/);
    const spec = definePipeline(input);
    expect(specHash(definePipeline({ ...input, name: 'other' }))).not.toBe(specHash(spec));
    expect(modelSpecHash(spec)).not.toBe(specHash(spec));
  });
});
