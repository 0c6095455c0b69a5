import { SpecError } from '../../../lib/errors';
import { definePipeline, parsePipelineYaml, validatePipeline } from '../../../pipelines';
import type { PipelineInput } from '../../../pipelines';

/** The SpecError `fn` throws (fails the test if it throws nothing or something else). */
function specErrorOf(fn: () => unknown): SpecError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SpecError) return err;
    throw err;
  }
  throw new Error('expected a SpecError');
}

const YAML_WITH_MISTAKES = `name: positions
dataset:
  source: idx:///data/fmnist
  classes: [0, 1, 2]
base:
  architecture: small-cnn
head:
  strategy: replace
train:
  epochs: 2
augment:
  rotationRange: lots
  zoomRange: [1.5, 0.5]
  horizontalFlip: true
  verticalFlpi: false
mode: retrain
`;

describe('problem lines', () => {
  it('gives the YAML line:column of the offending value, in the documented format', () => {
    const err = specErrorOf(() => parsePipelineYaml(YAML_WITH_MISTAKES, 'positions.yaml'));
    expect(err.problems).toContain('augment.rotationRange (12:18): must be a number from 0 to 180, got "lots"');
    expect(err.problems).toContain('augment.zoomRange (13:14): min must not exceed max in [min, max], got [1.5,0.5]');
  });

  it('points at the key of an unknown key, and suggests the closest allowed one', () => {
    const err = specErrorOf(() => parsePipelineYaml(YAML_WITH_MISTAKES, 'positions.yaml'));
    expect(err.problems).toContain('augment.verticalFlpi (15:3): unknown key; did you mean "verticalFlip"?');
  });

  it('reports every problem at once, in file order, under a header naming the file', () => {
    const err = specErrorOf(() => parsePipelineYaml(YAML_WITH_MISTAKES, 'positions.yaml'));
    expect(err.problems).toHaveLength(3);
    expect(err.problems.map((p) => p.split(' ')[0])).toEqual(['augment.rotationRange', 'augment.zoomRange', 'augment.verticalFlpi']);
    const [header, ...lines] = err.message.split('\n');
    expect(header).toBe('positions.yaml: 3 problems in the pipeline spec:');
    expect(lines.map((l) => l.trim())).toEqual(err.problems);
  });

  it('positions a missing field at its parent key', () => {
    const text = 'name: x\nbase:\n  architecture: small-cnn\ndataset:\n  classes: [0, 1]\nmode: retrain\n';
    const err = specErrorOf(() => parsePipelineYaml(text, 'missing.yaml'));
    expect(err.problems).toEqual([expect.stringMatching(/^dataset\.source \(4:1\): is required; it must be a dataset URI/)]);
  });

  it('positions list items, and cross-field rules at the field the user wrote, alongside field problems', () => {
    const text = 'name: x\ndataset:\n  source: idx:///d\n  classes: [0, -1]\nbase:\n  architecture: vgg16\n  inputShape: [16, 16, 3]\nmode: retrain\n';
    const err = specErrorOf(() => parsePipelineYaml(text, 'items.yaml'));
    expect(err.problems).toEqual([
      'dataset.classes[1] (4:16): must be a whole number from 0 to 100000, got -1',
      'base.inputShape (7:15): is too small for base vgg16: it needs at least 32x32, got 16x16',
    ]);
  });

  it('skips a cross-field rule whose input field is itself wrong', () => {
    const text = 'name: x\ndataset:\n  source: idx:///d\n  imageSize: tiny\nbase:\n  architecture: vgg16\nmode: retrain\n';
    const err = specErrorOf(() => parsePipelineYaml(text, 'skip.yaml'));
    expect(err.problems).toEqual([expect.stringMatching(/^dataset\.imageSize \(4:14\): must be a side length/)]);
  });

  it('has no positions for TypeScript input, and names the pipeline instead of a file', () => {
    const input = {
      name: 'ts-input',
      dataset: { source: 'ftp://nope' },
      base: { architecture: 'small-cnn', uri: 's3://graft/m/model.json' },
      mode: 'retrain',
    } as const;
    const err = specErrorOf(() => definePipeline(input));
    expect(err.message.split('\n')[0]).toBe('pipeline "ts-input": 2 problems in the pipeline spec:');
    expect(err.problems).toEqual([
      'dataset.source: must be a dataset URI: idx://<dir>, dir://<dir> or s3://<bucket>/<prefix>, got "ftp://nope"',
      'base.uri: set only one of architecture / uri, not both',
    ]);
  });

  it('rejects what TypeScript would reject when types are bypassed', () => {
    const sneaky = { name: 'x', dataset: { source: 'idx:///d' }, base: { architecture: 'small-cnn' }, mode: 'retrain', head: { strategy: 'linear' } };
    const err = specErrorOf(() => definePipeline(sneaky as unknown as PipelineInput));
    expect(err.problems).toEqual(['head.strategy: must be one of replace | dense, got "linear"']);
    expect(err.type).toBe('SpecError');
    expect(err.retryable).toBe(false);
  });

  it('shows non-finite YAML numbers as such', () => {
    const text = 'name: x\ndataset:\n  source: idx:///d\nbase:\n  architecture: small-cnn\naugment:\n  shearRange: .nan\nmode: retrain\n';
    expect(specErrorOf(() => parsePipelineYaml(text, 'nan.yaml')).problems).toEqual(['augment.shearRange (7:15): must be a number from 0 to 90, got NaN']);
  });

  it('says what a non-object spec is', () => {
    expect(specErrorOf(() => validatePipeline('just text', 'text.yaml')).problems).toEqual([
      '(top level): must be a mapping (key: value pairs), got "just text"',
    ]);
  });
});
