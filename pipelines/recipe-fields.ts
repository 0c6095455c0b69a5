/**
 * The training recipe's richer fields: the learning-rate schedule and class
 * weights. Their defaults are here only; lib/models/train takes "absent" to
 * mean off.
 */
import { z } from 'zod';
import { integerIn, numberAbove, numberIn, section, text } from './fields';
import { showValue } from './show-value';
import type { LrSchedule } from '../lib/models/types';

const constant = section({ kind: z.literal('constant') });
const step = section({
  kind: z.literal('step'),
  every: integerIn(1, 10_000),
  factor: numberAbove(0, 1).default(0.1),
});
const cosine = section({
  kind: z.literal('cosine'),
  warmupEpochs: numberIn(0, 10_000).default(0),
  minLearningRate: numberIn(0, 10).default(0),
});
const oneCycle = section({
  kind: z.literal('one-cycle'),
  warmupFraction: numberIn(0, 1, { exclusiveMax: true }).default(0.25),
  divFactor: numberAbove(0, 1e6).default(25),
  finalDivFactor: numberAbove(0, 1e9).default(1e4),
});

const SCHEDULE_KINDS = ['constant', 'step', 'cosine', 'one-cycle'] as const;
const SCHEDULE_ERROR = `must be one of ${SCHEDULE_KINDS.join(' | ')}, or a mapping with kind: and its settings (step needs every:)`;
const schedules = z.discriminatedUnion('kind', [constant, step, cosine, oneCycle], { error: SCHEDULE_ERROR });

/** `lrSchedule: cosine` is short for `{ kind: cosine }` with its defaults (step has no default period). */
const byName = z
  .enum(['constant', 'cosine', 'one-cycle'], { error: SCHEDULE_ERROR })
  .transform((kind) => schedules.parse({ kind }));

export const lrSchedule = z
  .union([byName, schedules], { error: SCHEDULE_ERROR })
  .transform((schedule): LrSchedule => schedule);

const WEIGHT = numberAbove(0, 1e6);
const CLASS_WEIGHTS_ERROR = 'must be balanced, a list of weights (one per class, each above 0), or a mapping from class name to weight';

export const classWeights = z.union(
  [
    z.literal('balanced'),
    z.array(WEIGHT, { error: CLASS_WEIGHTS_ERROR }).min(2, { error: CLASS_WEIGHTS_ERROR }),
    z.record(text('a class name'), WEIGHT, { error: CLASS_WEIGHTS_ERROR }).refine((map) => Object.keys(map).length >= 2, {
      error: (issue) => `must name at least 2 classes, got ${showValue(issue.input)}`,
    }),
  ],
  { error: CLASS_WEIGHTS_ERROR },
);
