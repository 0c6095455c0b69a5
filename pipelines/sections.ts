/**
 * The spec's sections, each field with its validation and default: the
 * single source of the spec's defaults. `schema.ts` adds the rules across
 * sections and the defaults that depend on another section.
 */
import { z } from 'zod';
import {
  WHEN_OBJECT,
  boolean,
  defaultedSection,
  exactlyOne,
  integer,
  integerIn,
  numberAbove,
  numberIn,
  oneOf,
  orderedPair,
  section,
  text,
} from './fields';
import { cronProblem, intervalSeconds } from './schedule-syntax';
import { showValue } from './show-value';

import { AUGMENT_DEFAULTS } from '../lib/augment/config';
import { ARCHITECTURES, MIN_NETWORK_SIDE } from '../lib/models/bases/catalog';
import { DEFAULT_ADAMW_WEIGHT_DECAY, DEFAULT_HEAD_ACTIVATION } from '../lib/models/types';
import { classWeights, lrSchedule } from './recipe-fields';

export { ARCHITECTURES };
export type { Architecture } from '../lib/models/bases/catalog';

const SIDE = integerIn(1, 4096);

/** `n` means `[n, n]`. */
const imageSize = z
  .union([SIDE, z.tuple([SIDE, SIDE])], { error: 'must be a side length n or [height, width], whole numbers from 1 to 4096' })
  .transform((size): [number, number] => (typeof size === 'number' ? [size, size] : size));

const channels = z.union([z.literal(1), z.literal(3)], { error: 'must be 1 or 3' });

const CLASSES_ERROR = 'must be a list of at least 2 class indices (0, 1, …) or of at least 2 class names, or null for all';
const classes = z
  .union(
    [
      z.array(integerIn(0, 100_000), { error: CLASSES_ERROR }).min(2, { error: CLASSES_ERROR }),
      z.array(text('a class name'), { error: CLASSES_ERROR }).min(2, { error: CLASSES_ERROR }),
    ],
    { error: CLASSES_ERROR },
  )
  .refine((list: readonly (number | string)[]) => new Set(list).size === list.length, {
    error: (issue) => `must not repeat a class, got ${showValue(issue.input)}`,
  });

const dataset = section({
  source: text(
    'a dataset URI: idx://<dir>, dir://<dir> or s3://<bucket>/<prefix>',
    /^(?:(?:idx|dir):\/\/\/?[^/\s]\S*|s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](?:\/\S*)?)$/,
  ),
  classes: classes.nullable().default(null),
  limitPerClass: integerIn(1, 10_000_000).nullable().default(null),
  split: section({
    validation: numberIn(0, 1, { exclusiveMax: true }).default(0.1),
    test: numberIn(0, 1, { exclusiveMax: true }).default(0.1),
    seed: integer().default(42),
    /** Labelled training images kept per class after the split; validation and test stay the same. */
    trainPerClass: integerIn(1, 10_000_000).nullable().default(null),
  })
    .refine((split) => split.validation + split.test < 1, {
      error: (issue) => {
        const split = issue.input as { validation: number; test: number };
        return `validation + test must be below 1 so that some images are left to train on, got ${split.validation} + ${split.test}`;
      },
    })
    .prefault({}),
  /** Filled from base.inputShape, else 28; see `normalize`. */
  imageSize: imageSize.optional(),
  channels: channels.optional(),
  onBadImage: oneOf(['fail', 'skip']).default('fail'),
});

/** A number z means [1 - z, 1 + z]. */
const zoomRange = z
  .union([numberIn(0, 1, { exclusiveMax: true }), z.tuple([numberAbove(0, 10), numberAbove(0, 10)])], {
    error: 'must be a number z from 0 up to (not including) 1, or [min, max] scales above 0 and at most 10',
  })
  .transform((zoom): [number, number] => (typeof zoom === 'number' ? [1 - zoom, 1 + zoom] : zoom))
  .refine(([min, max]) => min <= max, {
    error: (issue) => `min must not exceed max in [min, max], got ${showValue(issue.input)}`,
  });

const mixing = (alpha: number) =>
  section({ alpha: numberAbove(0, 100).default(alpha), prob: numberIn(0, 1).default(0.5) });

// Defaults come from lib/augment's AUGMENT_DEFAULTS, their one definition (lib fills them for partial callers too).
const AUG = AUGMENT_DEFAULTS;
const augment = section({
  rotationRange: numberIn(0, 180).default(AUG.rotationRange),
  widthShiftRange: numberIn(0, 1).default(AUG.widthShiftRange),
  heightShiftRange: numberIn(0, 1).default(AUG.heightShiftRange),
  shearRange: numberIn(0, 90).default(AUG.shearRange),
  // A fresh pair per parse: the default is frozen and specs are the caller's to change.
  zoomRange: zoomRange.default((): [number, number] => [AUG.zoomRange[0], AUG.zoomRange[1]]),
  horizontalFlip: boolean().default(AUG.horizontalFlip),
  verticalFlip: boolean().default(AUG.verticalFlip),
  brightnessRange: orderedPair(numberIn(0, 10), '[min, max] brightness factors from 0 to 10').nullable().default(AUG.brightnessRange),
  channelShiftRange: numberIn(0, 255).default(AUG.channelShiftRange),
  fillMode: oneOf(['nearest', 'constant', 'reflect', 'wrap']).default(AUG.fillMode),
  cval: numberIn(0, 255).default(AUG.cval),
  copies: integerIn(0, 100).default(AUG.copies),
  seed: integer().default(AUG.seed),
  cutmix: mixing(1).nullable().default(AUG.cutmix),
  mixup: mixing(0.2).nullable().default(AUG.mixup),
}).superRefine((augment, ctx) => {
  // Each training row is CutMixed with probability cutmix.prob, else MixUp-ed with mixup.prob: one draw shared by both.
  const cut = augment.cutmix?.prob ?? 0;
  const mix = augment.mixup?.prob ?? 0;
  if (cut + mix > 1 + 1e-9) {
    ctx.addIssue({ code: 'custom', path: ['mixup', 'prob'], message: `plus cutmix.prob must be at most 1 (a row is mixed one way or the other), got ${cut} + ${mix}` });
  }
}, WHEN_OBJECT);

const base = section({
  architecture: oneOf(ARCHITECTURES).nullable().default(null),
  /** Filled from the architecture (imagenet where it has such weights, else random); see `normalize`. */
  weights: oneOf(['imagenet', 'random']).nullable().optional(),
  /** Side an EfficientNet-Lite runs at (images are resized in the model); filled with the side it was trained at. */
  inputSize: integerIn(MIN_NETWORK_SIDE, 1024).nullable().optional(),
  uri: text('a model URI: file://…, http(s)://… or s3://<bucket>/<key>', /^(?:file|https?|s3):\/\/\S+$/)
    .nullable()
    .default(null),
  /** Filled from dataset.imageSize + channels; see `normalize`. */
  inputShape: z
    .tuple([SIDE, SIDE, channels], { error: 'must be [height, width, channels] with channels 1 or 3' })
    .optional(),
  alpha: numberAbove(0, 1).default(1),
  cutAt: text('a layer name').nullable().default(null),
}).superRefine(exactlyOne(['architecture', 'uri']), WHEN_OBJECT);

const UNITS = integerIn(1, 65_536);

const head = section({
  strategy: oneOf(['replace', 'dense']).default('replace'),
  pooling: oneOf(['flatten', 'avg', 'max']).default('flatten'),
  /** Dense only; a number n means [n]. Default [256] for dense, [] for replace. */
  hidden: z
    .union([UNITS, z.array(UNITS)], { error: 'must be a number of units or a list of them, each from 1 to 65536' })
    .transform((hidden) => (typeof hidden === 'number' ? [hidden] : hidden))
    .optional(),
  activation: oneOf(['relu', 'elu', 'selu', 'tanh', 'sigmoid', 'gelu', 'swish', 'softplus', 'linear']).default(DEFAULT_HEAD_ACTIVATION),
  /** Default 0.5 for dense, 0 for replace. */
  dropout: numberIn(0, 1, { exclusiveMax: true }).optional(),
})
  .superRefine((head, ctx) => {
    if (head.strategy === 'replace' && head.hidden !== undefined && head.hidden.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['hidden'], message: 'is only used with strategy dense; remove it or set strategy: dense' });
    }
  })
  .transform((head) => ({
    ...head,
    hidden: head.hidden ?? (head.strategy === 'dense' ? [256] : []),
    dropout: head.dropout ?? (head.strategy === 'dense' ? 0.5 : 0),
  }));

const LEARNING_RATE = numberAbove(0, 10);
const EPOCHS = integerIn(1, 10_000);
const BATCH_SIZE = integerIn(1, 65_536);

const train = section({
  epochs: EPOCHS.default(10),
  batchSize: BATCH_SIZE.default(32),
  optimizer: oneOf(['adam', 'adamw', 'sgd', 'rmsprop']).default('adam'),
  learningRate: LEARNING_RATE.default(0.001),
  lrSchedule: lrSchedule.default(() => ({ kind: 'constant' as const })),
  /** adamw only; filled with DEFAULT_ADAMW_WEIGHT_DECAY for adamw, 0 otherwise. */
  weightDecay: numberIn(0, 1, { exclusiveMax: true }).optional(),
  /** sgd only [0]. */
  momentum: numberIn(0, 1, { exclusiveMax: true }).optional(),
  /** sgd only, with momentum above 0 [false]. */
  nesterov: boolean().optional(),
  labelSmoothing: numberIn(0, 1, { exclusiveMax: true }).default(0),
  classWeights: classWeights.nullable().default(null),
  earlyStopping: section({
    patience: integerIn(1, 1000).default(3),
    monitor: oneOf(['val_loss', 'val_acc']).default('val_loss'),
    minDelta: numberIn(0, 1).default(0),
    restoreBestWeights: boolean().default(true),
  })
    .nullable()
    .default(null),
})
  .superRefine((train, ctx) => {
    // The neutral values (0, false) are what normalizing fills in, so a normalized spec stays valid input.
    const onlyWith = (field: 'weightDecay' | 'momentum' | 'nesterov', optimizer: string) => {
      const value = train[field];
      if (value !== undefined && value !== 0 && value !== false && train.optimizer !== optimizer) {
        ctx.addIssue({ code: 'custom', path: [field], message: `is only used with optimizer ${optimizer}; remove it or set optimizer: ${optimizer}` });
      }
    };
    onlyWith('weightDecay', 'adamw');
    onlyWith('momentum', 'sgd');
    onlyWith('nesterov', 'sgd');
    if (train.nesterov === true && train.optimizer === 'sgd' && !(train.momentum! > 0)) {
      ctx.addIssue({ code: 'custom', path: ['nesterov'], message: 'needs momentum above 0 (Nesterov is a form of momentum), e.g. momentum: 0.9' });
    }
  })
  .transform((train) => ({
    ...train,
    weightDecay: train.weightDecay ?? (train.optimizer === 'adamw' ? DEFAULT_ADAMW_WEIGHT_DECAY : 0),
    momentum: train.momentum ?? 0,
    nesterov: train.nesterov ?? false,
  }));

const fineTune = section({
  topLayers: integerIn(1, 10_000).nullable().default(null),
  fromLayer: text('a layer name').nullable().default(null),
  epochs: EPOCHS.default(5),
  learningRate: LEARNING_RATE.default(0.00001),
  /** Filled from train.batchSize; see `normalize`. */
  batchSize: BATCH_SIZE.optional(),
  layerGroups: integerIn(1, 1000).default(1),
  groupLrFactor: numberAbove(0, 1).default(1),
  unfreezeEvery: integerIn(1, 10_000).nullable().default(null),
})
  .superRefine(exactlyOne(['topLayers', 'fromLayer']), WHEN_OBJECT)
  .superRefine((fineTune, ctx) => {
    if (fineTune.layerGroups !== 1) return;
    const set = [fineTune.groupLrFactor !== 1 ? 'groupLrFactor' : null, fineTune.unfreezeEvery !== null ? 'unfreezeEvery' : null];
    for (const field of set.filter((f): f is string => f !== null)) {
      ctx.addIssue({ code: 'custom', path: [field], message: 'needs layerGroups of 2 or more (with one group there is nothing to tell apart); set e.g. layerGroups: 3' });
    }
  }, WHEN_OBJECT);

const evaluate = section({
  /** Test-time augmentation: average the prediction of each test image and of its horizontal mirror. */
  tta: boolean().default(false),
});

const schedule = section({
  cron: z
    .string({ error: 'must be a 5-field cron expression in quotes, e.g. "0 3 * * *"' })
    .check((ctx) => {
      const problem = cronProblem(ctx.value);
      if (problem) ctx.issues.push({ code: 'custom', input: ctx.value, message: `${problem}, got ${showValue(ctx.value)}` });
    })
    .nullable()
    .default(null),
  every: z
    .string({ error: 'must be an interval <n>s|m|h|d, e.g. 6h' })
    .refine((every) => intervalSeconds(every) !== undefined, {
      error: (issue) => `must be an interval <n>s|m|h|d with n >= 1, e.g. 6h, got ${showValue(issue.input)}`,
    })
    .nullable()
    .default(null),
  onlyIfDataChanged: boolean().default(false),
  promoteMargin: numberIn(0, 1).default(0),
}).superRefine(exactlyOne(['cron', 'every']), WHEN_OBJECT);

const QUEUE = text('a task queue name of letters, digits, ., _ or -', /^[A-Za-z0-9._-]{1,200}$/);

/** The sections as written, each normalized on its own. */
export const sections = section({
  name: text('a name of 1-63 characters a-z, 0-9, _ or -, starting with a letter or digit', /^[a-z0-9][a-z0-9_-]{0,62}$/)
    .describe('Pipeline name, used in object keys: a-z, 0-9, _ and -.'),
  dataset: dataset.describe('Where the images come from, which classes, how many, and how they are split and sized.'),
  augment: defaultedSection(augment).describe('Training-time augmentation (Keras ImageDataGenerator semantics); default none.'),
  base: base.describe('The pretrained (or built-in) model to build on: exactly one of architecture / uri.'),
  mode: oneOf(['transfer', 'retrain'])
    .default('transfer')
    .describe('transfer: frozen base + new head; retrain: same architecture, random weights, all trainable.'),
  head: defaultedSection(head).describe('The new classifier on top of the base features.'),
  train: defaultedSection(train).describe('Training of the head (and of everything in mode retrain).'),
  fineTune: fineTune.nullable().default(null).describe('Optional second stage: unfreeze the top of the base and train at a low rate.'),
  evaluate: defaultedSection(evaluate).describe('How the test set is scored.'),
  schedule: schedule.nullable().default(null).describe('Optional retraining schedule: exactly one of cron / every.'),
  queues: defaultedSection(section({ cpu: QUEUE.default('graft-cpu'), gpu: QUEUE.default('graft-gpu') })).describe('Temporal task queues for CPU and GPU work.'),
  cache: boolean().default(true).describe('Reuse cached datasets and features when their inputs are unchanged.'),
});

export type PipelineFields = z.output<typeof sections>;

