/**
 * Rules that span fields. They run even when other fields failed, so every
 * problem is reported at once; a rule is skipped when a field it reads failed
 * (its value would be raw input). Where two related fields could be blamed,
 * the one the user wrote is named.
 */
import { CATALOG, PRETRAINED_ARCHITECTURES } from '../lib/models/bases/catalog';
import { resolvedInputShape, resolvedWeights } from './normalize';
import type { SpecPath } from './problems';
import type { PipelineFields } from './sections';

export interface CrossFieldIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

interface Rule {
  /** Fields the rule reads; it is skipped when any of them (or a part of one) failed. */
  readonly reads: readonly SpecPath[];
  check(fields: PipelineFields): CrossFieldIssue | undefined;
}

const inputShapeMatches: Rule = {
  reads: [['dataset', 'imageSize'], ['dataset', 'channels'], ['base', 'inputShape']],
  check({ dataset, base }) {
    const shape = base.inputShape;
    if (!shape || (dataset.imageSize === undefined && dataset.channels === undefined)) return undefined;
    const [h, w] = dataset.imageSize ?? [shape[0], shape[1]];
    const channels = dataset.channels ?? shape[2];
    if (shape[0] === h && shape[1] === w && shape[2] === channels) return undefined;
    return {
      path: ['base', 'inputShape'],
      message: `must match dataset.imageSize and dataset.channels ([${h}, ${w}, ${channels}]), got [${shape.join(', ')}]`,
    };
  },
};

const imageLargeEnough: Rule = {
  reads: [['dataset', 'imageSize'], ['dataset', 'channels'], ['base', 'inputShape'], ['base', 'architecture']],
  check(fields) {
    const architecture = fields.base.architecture;
    if (!architecture) return undefined;
    const min = CATALOG[architecture].minSide;
    const [h, w] = resolvedInputShape(fields);
    if (h >= min && w >= min) return undefined;
    return {
      path: fields.base.inputShape ? ['base', 'inputShape'] : ['dataset', 'imageSize'],
      message: `is too small for base ${architecture}: it needs at least ${min}x${min}, got ${h}x${w}`,
    };
  },
};

const fineTuneNeedsTransfer: Rule = {
  reads: [['fineTune'], ['mode']],
  check: ({ fineTune, mode }) =>
    fineTune && mode === 'retrain'
      ? { path: ['fineTune'], message: 'only applies to mode transfer (mode retrain already trains every layer); remove it' }
      : undefined,
};

const earlyStoppingNeedsValidation: Rule = {
  reads: [['train', 'earlyStopping'], ['dataset', 'split']],
  check: ({ train, dataset }) =>
    train.earlyStopping && dataset.split.validation === 0
      ? {
          path: ['train', 'earlyStopping'],
          message: `needs validation data to watch ${train.earlyStopping.monitor}; set dataset.split.validation above 0`,
        }
      : undefined,
};

const PRETRAINED_LIST = PRETRAINED_ARCHITECTURES.join(', ');

const weightsNeedArchitecture: Rule = {
  reads: [['base', 'weights'], ['base', 'uri']],
  check: ({ base }) =>
    base.weights != null && base.uri
      ? { path: ['base', 'weights'], message: 'applies to a built-in architecture; a base from uri brings its own weights: remove it' }
      : undefined,
};

const imagenetWeightsExist: Rule = {
  reads: [['base', 'weights'], ['base', 'architecture']],
  check: ({ base }) =>
    base.weights === 'imagenet' && base.architecture && CATALOG[base.architecture].pretrainedSide === null
      ? {
          path: ['base', 'weights'],
          message: `imagenet weights exist for ${PRETRAINED_LIST} only; ${base.architecture} is a from-scratch architecture (mode: retrain)`,
        }
      : undefined,
};

const nothingToTransfer: Rule = {
  reads: [['base', 'weights'], ['base', 'architecture'], ['mode']],
  check: (fields) =>
    fields.mode === 'transfer' && fields.base.architecture && resolvedWeights(fields) === 'random'
      ? {
          path: fields.base.weights != null ? ['base', 'weights'] : ['base', 'architecture'],
          message: `a random base has nothing to transfer: use ${PRETRAINED_LIST} with weights: imagenet, a pretrained model in base.uri, or mode: retrain to train ${fields.base.architecture} from scratch`,
        }
      : undefined,
};

const retrainStartsRandom: Rule = {
  reads: [['base', 'weights'], ['mode']],
  check: ({ base, mode }) =>
    mode === 'retrain' && base.weights === 'imagenet'
      ? { path: ['base', 'weights'], message: 'mode retrain trains from random weights; remove weights, or use mode transfer to start from imagenet' }
      : undefined,
};

const inputSizeNeedsPretrainedBase: Rule = {
  reads: [['base', 'inputSize'], ['base', 'architecture']],
  check: ({ base }) =>
    base.inputSize != null && !(base.architecture && CATALOG[base.architecture].pretrainedSide !== null)
      ? { path: ['base', 'inputSize'], message: `only ${PRETRAINED_LIST} resize images in the model; for other bases set dataset.imageSize` }
      : undefined,
};

const RULES: readonly Rule[] = [
  inputShapeMatches, imageLargeEnough, fineTuneNeedsTransfer, earlyStoppingNeedsValidation,
  weightsNeedArchitecture, imagenetWeightsExist, nothingToTransfer, retrainStartsRandom, inputSizeNeedsPretrainedBase,
];

/** Problems of the rules whose fields are all valid; `failedPaths` are the paths that failed. */
export function crossFieldIssues(fields: PipelineFields, failedPaths: readonly SpecPath[]): CrossFieldIssue[] {
  const touches = (a: SpecPath, b: SpecPath) => a.slice(0, b.length).every((part, i) => part === b[i]) || b.slice(0, a.length).every((part, i) => part === a[i]);
  return RULES.filter((rule) => !rule.reads.some((read) => failedPaths.some((failed) => touches(read, failed))))
    .map((rule) => rule.check(fields))
    .filter((issue): issue is CrossFieldIssue => issue !== undefined);
}
