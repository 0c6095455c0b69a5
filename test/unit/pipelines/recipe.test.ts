import { SpecError } from '../../../lib/errors';
import { DEFAULT_ADAMW_WEIGHT_DECAY } from '../../../lib/models/types';
import { definePipeline, parsePipelineYaml } from '../../../pipelines';
import type { PipelineInput } from '../../../pipelines';

/** A pretrained base in mode transfer, so that fineTune applies. */
const photos: PipelineInput = {
  name: 'photos',
  dataset: { source: 'dir:///data/pets' },
  base: { architecture: 'efficientnet-lite0' },
};

/** The problem lines of the SpecError `fn` throws. */
function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof SpecError) return err.problems;
    throw err;
  }
  throw new Error('expected a SpecError');
}

/** Problems of a TS input that the types would reject too (the spec is also read from YAML and JS). */
function problemsOfInput(input: unknown): readonly string[] {
  return problemsOf(() => definePipeline(input as PipelineInput));
}

const YAML_HEAD = 'name: recipe\ndataset:\n  source: dir:///data/pets\nbase:\n  architecture: efficientnet-lite0\n';

describe('the training recipe: defaults', () => {
  it('fills every recipe field of train with its documented default', () => {
    expect(definePipeline(photos).train).toEqual({
      epochs: 10,
      batchSize: 32,
      optimizer: 'adam',
      learningRate: 0.001,
      lrSchedule: { kind: 'constant' },
      weightDecay: 0,
      momentum: 0,
      nesterov: false,
      labelSmoothing: 0,
      classWeights: null,
      earlyStopping: null,
    });
  });

  it('gives adamw its decoupled weight decay from lib/models (DEFAULT_ADAMW_WEIGHT_DECAY = 0.01); other optimizers 0', () => {
    expect(DEFAULT_ADAMW_WEIGHT_DECAY).toBe(0.01);
    expect(definePipeline({ ...photos, train: { optimizer: 'adamw' } }).train.weightDecay).toBe(DEFAULT_ADAMW_WEIGHT_DECAY);
    expect(definePipeline({ ...photos, train: { optimizer: 'adamw', weightDecay: 0.05 } }).train.weightDecay).toBe(0.05);
    expect(definePipeline({ ...photos, train: { optimizer: 'adamw', weightDecay: 0 } }).train.weightDecay).toBe(0);
    for (const optimizer of ['adam', 'sgd', 'rmsprop'] as const) {
      expect(definePipeline({ ...photos, train: { optimizer } }).train).toMatchObject({ weightDecay: 0, momentum: 0, nesterov: false });
    }
  });

  it('keeps sgd\'s momentum and Nesterov', () => {
    expect(definePipeline({ ...photos, train: { optimizer: 'sgd', momentum: 0.9, nesterov: true } }).train).toMatchObject({
      optimizer: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 0,
    });
    expect(definePipeline({ ...photos, train: { optimizer: 'sgd', momentum: 0.9 } }).train.nesterov).toBe(false);
  });

  it('restores the best weights by default when early stopping is on', () => {
    expect(definePipeline({ ...photos, train: { earlyStopping: {} } }).train.earlyStopping).toEqual({
      patience: 3, monitor: 'val_loss', minDelta: 0, restoreBestWeights: true,
    });
    expect(definePipeline({ ...photos, train: { earlyStopping: { restoreBestWeights: false } } }).train.earlyStopping?.restoreBestWeights).toBe(false);
  });

  it('fills the fine-tune layer groups: one group, factor 1, all unfrozen at once', () => {
    expect(definePipeline({ ...photos, fineTune: { topLayers: 20 } }).fineTune).toEqual({
      topLayers: 20, fromLayer: null, epochs: 5, learningRate: 0.00001, batchSize: 32, layerGroups: 1, groupLrFactor: 1, unfreezeEvery: null,
    });
    expect(definePipeline({ ...photos, fineTune: { topLayers: 20, layerGroups: 3, groupLrFactor: 0.3, unfreezeEvery: 2 } }).fineTune).toMatchObject({
      layerGroups: 3, groupLrFactor: 0.3, unfreezeEvery: 2,
    });
  });

  it('turns test-time augmentation off by default, also for an empty evaluate block', () => {
    expect(definePipeline(photos).evaluate).toEqual({ tta: false });
    expect(parsePipelineYaml(`${YAML_HEAD}evaluate:\n`, 'e.yaml').evaluate).toEqual({ tta: false });
    expect(definePipeline({ ...photos, evaluate: { tta: true } }).evaluate).toEqual({ tta: true });
  });
});

describe('the training recipe: lrSchedule', () => {
  const scheduleOf = (lrSchedule: unknown) => definePipeline({ ...photos, train: { lrSchedule } } as PipelineInput).train.lrSchedule;

  it('expands a kind on its own into the kind with its defaults', () => {
    expect(scheduleOf('constant')).toEqual({ kind: 'constant' });
    expect(scheduleOf('cosine')).toEqual({ kind: 'cosine', warmupEpochs: 0, minLearningRate: 0 });
    expect(scheduleOf('one-cycle')).toEqual({ kind: 'one-cycle', warmupFraction: 0.25, divFactor: 25, finalDivFactor: 1e4 });
  });

  it('reads the shorthand the same from YAML', () => {
    const spec = parsePipelineYaml(`${YAML_HEAD}train:\n  lrSchedule: cosine\n`, 'cosine.yaml');
    expect(spec.train.lrSchedule).toEqual({ kind: 'cosine', warmupEpochs: 0, minLearningRate: 0 });
  });

  it('fills the settings a mapping leaves out, and keeps the ones it gives', () => {
    expect(scheduleOf({ kind: 'cosine', warmupEpochs: 2 })).toEqual({ kind: 'cosine', warmupEpochs: 2, minLearningRate: 0 });
    expect(scheduleOf({ kind: 'step', every: 3 })).toEqual({ kind: 'step', every: 3, factor: 0.1 });
    expect(scheduleOf({ kind: 'one-cycle', divFactor: 10 })).toEqual({ kind: 'one-cycle', warmupFraction: 0.25, divFactor: 10, finalDivFactor: 1e4 });
  });

  // The missing field, or the schedule with the hint (step needs every:): which one depends on how the union reports.
  const needsEvery = /^train\.lrSchedule(\.every)?( \(\d+:\d+\))?: (is required; it must be a whole number from 1 to 10000|.*\(step needs every:\))/;

  it('needs every: for step, as a mapping or as the shorthand', () => {
    expect(problemsOfInput({ ...photos, train: { lrSchedule: { kind: 'step' } } })).toEqual([expect.stringMatching(needsEvery)]);
    expect(problemsOfInput({ ...photos, train: { lrSchedule: 'step' } })).toEqual([
      expect.stringMatching(/^train\.lrSchedule: must be one of constant \| step \| cosine \| one-cycle, .*\(step needs every:\), got "step"$/),
    ]);
  });

  it('positions a missing every: at its YAML mapping (or at its kind)', () => {
    expect(problemsOf(() => parsePipelineYaml(`${YAML_HEAD}train:\n  lrSchedule:\n    kind: step\n`, 'step.yaml'))).toEqual([
      expect.stringMatching(/^train\.lrSchedule(\.every)? \((7:3|8:5)\): /),
    ]);
    expect(problemsOf(() => parsePipelineYaml(`${YAML_HEAD}train:\n  lrSchedule:\n    kind: step\n`, 'step.yaml'))).toEqual([expect.stringMatching(needsEvery)]);
  });

  it('refuses an unknown kind and bad settings, naming the field', () => {
    // (Reported today at train.lrSchedule.kind, as the shorthand is read as { kind: linear }.)
    const unknownKind = /^train\.lrSchedule(\.kind)?: must be one of constant \| step \| cosine \| one-cycle/;
    expect(problemsOfInput({ ...photos, train: { lrSchedule: 'linear' } })).toEqual([expect.stringMatching(unknownKind)]);
    expect(problemsOfInput({ ...photos, train: { lrSchedule: { kind: 'linear' } } })).toEqual([expect.stringMatching(unknownKind)]);
    expect(problemsOfInput({ ...photos, train: { lrSchedule: { kind: 'one-cycle', warmupFraction: 1 } } })).toEqual([
      expect.stringMatching(/^train\.lrSchedule\.warmupFraction: must be a number from 0 up to \(not including\) 1/),
    ]);
    expect(problemsOfInput({ ...photos, train: { lrSchedule: { kind: 'cosine', every: 2 } } })).toEqual([expect.stringMatching(/^train\.lrSchedule\.every: unknown key/)]);
  });
});

describe('the training recipe: rules across fields', () => {
  it('refuses weightDecay with an optimizer other than adamw, naming train.weightDecay', () => {
    expect(problemsOfInput({ ...photos, train: { optimizer: 'adam', weightDecay: 0.01 } })).toEqual([
      'train.weightDecay: is only used with optimizer adamw; remove it or set optimizer: adamw',
    ]);
    expect(problemsOf(() => parsePipelineYaml(`${YAML_HEAD}train:\n  weightDecay: 0.01\n`, 'wd.yaml'))).toEqual([
      'train.weightDecay (7:16): is only used with optimizer adamw; remove it or set optimizer: adamw',
    ]);
  });

  it('refuses momentum and nesterov with an optimizer other than sgd', () => {
    expect(problemsOfInput({ ...photos, train: { optimizer: 'adam', momentum: 0.9, nesterov: true } })).toEqual([
      'train.momentum: is only used with optimizer sgd; remove it or set optimizer: sgd',
      'train.nesterov: is only used with optimizer sgd; remove it or set optimizer: sgd',
    ]);
  });

  it('refuses nesterov without momentum', () => {
    const needsMomentum = 'train.nesterov: needs momentum above 0 (Nesterov is a form of momentum), e.g. momentum: 0.9';
    expect(problemsOfInput({ ...photos, train: { optimizer: 'sgd', nesterov: true } })).toEqual([needsMomentum]);
    expect(problemsOfInput({ ...photos, train: { optimizer: 'sgd', nesterov: true, momentum: 0 } })).toEqual([needsMomentum]);
    // nesterov: false needs nothing.
    expect(definePipeline({ ...photos, train: { optimizer: 'sgd', nesterov: false } }).train.nesterov).toBe(false);
  });

  it('refuses groupLrFactor or unfreezeEvery with a single layer group', () => {
    const needsGroups = 'needs layerGroups of 2 or more (with one group there is nothing to tell apart); set e.g. layerGroups: 3';
    expect(problemsOfInput({ ...photos, fineTune: { topLayers: 20, groupLrFactor: 0.5 } })).toEqual([`fineTune.groupLrFactor: ${needsGroups}`]);
    expect(problemsOfInput({ ...photos, fineTune: { topLayers: 20, unfreezeEvery: 2 } })).toEqual([`fineTune.unfreezeEvery: ${needsGroups}`]);
    expect(problemsOfInput({ ...photos, fineTune: { topLayers: 20, layerGroups: 1, groupLrFactor: 0.5 } })).toEqual([`fineTune.groupLrFactor: ${needsGroups}`]);
    expect(problemsOfInput({ ...photos, fineTune: { topLayers: 20, groupLrFactor: 0.5, unfreezeEvery: 2 } })).toEqual([
      `fineTune.groupLrFactor: ${needsGroups}`, `fineTune.unfreezeEvery: ${needsGroups}`,
    ]);
  });

  it('takes a normalized spec as input again (the neutral values it fills are no misuse)', () => {
    const sgd = definePipeline({ ...photos, train: { optimizer: 'sgd', momentum: 0.9, nesterov: true } });
    const adamw = definePipeline({ ...photos, train: { optimizer: 'adamw' } });
    expect(definePipeline(definePipeline(photos))).toEqual(definePipeline(photos));
    expect(definePipeline(sgd)).toEqual(sgd);
    expect(definePipeline(adamw)).toEqual(adamw);
  });

  it('refuses cutmix.prob + mixup.prob above 1: a row is mixed one way or the other', () => {
    expect(problemsOfInput({ ...photos, augment: { cutmix: { prob: 0.7 }, mixup: { prob: 0.5 } } })).toEqual([
      'augment.mixup.prob: plus cutmix.prob must be at most 1 (a row is mixed one way or the other), got 0.7 + 0.5',
    ]);
    expect(definePipeline({ ...photos, augment: { cutmix: { prob: 0.5 }, mixup: { prob: 0.5 } } }).augment.mixup?.prob).toBe(0.5);
  });

  it('keeps the limits of the recipe\'s numbers', () => {
    expect(problemsOfInput({ ...photos, train: { labelSmoothing: 1 } })).toEqual([expect.stringMatching(/^train\.labelSmoothing: must be a number from 0 up to \(not including\) 1/)]);
    expect(problemsOfInput({ ...photos, train: { optimizer: 'sgd', momentum: 1 } })).toEqual([expect.stringMatching(/^train\.momentum: must be a number from 0 up to \(not including\) 1/)]);
    expect(problemsOfInput({ ...photos, fineTune: { topLayers: 20, layerGroups: 3, groupLrFactor: 1.5 } })).toEqual([
      expect.stringMatching(/^fineTune\.groupLrFactor: must be a number above 0 and at most 1/),
    ]);
    expect(problemsOfInput({ ...photos, fineTune: { topLayers: 20, layerGroups: 0 } })).toEqual([expect.stringMatching(/^fineTune\.layerGroups: must be a whole number from 1/)]);
  });
});

describe('the training recipe: classWeights', () => {
  const weightsOf = (classWeights: unknown) => definePipeline({ ...photos, train: { classWeights } } as PipelineInput).train.classWeights;

  it('takes balanced, a list, or a mapping by class name', () => {
    expect(weightsOf('balanced')).toBe('balanced');
    expect(weightsOf([1, 2.5])).toEqual([1, 2.5]);
    expect(weightsOf({ cat: 1, dog: 3 })).toEqual({ cat: 1, dog: 3 });
    expect(weightsOf(null)).toBeNull();
  });

  it('refuses anything else, naming train.classWeights', () => {
    expect(problemsOfInput({ ...photos, train: { classWeights: 'auto' } })).toEqual([expect.stringMatching(/^train\.classWeights: must be balanced, a list of weights/)]);
    expect(problemsOfInput({ ...photos, train: { classWeights: [1] } })).toEqual([expect.stringMatching(/^train\.classWeights: /)]);
    expect(problemsOfInput({ ...photos, train: { classWeights: { cat: 1 } } })).toEqual(['train.classWeights: must name at least 2 classes, got {"cat":1}']);
    expect(problemsOfInput({ ...photos, train: { classWeights: [1, 0] } })).toEqual([expect.stringMatching(/^train\.classWeights/)]);
  });
});
