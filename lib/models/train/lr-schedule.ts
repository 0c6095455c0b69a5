import { ModelError } from '../../errors';
import type { LrSchedule } from '../types';

/** Where training is: optimizer step `step` (from 0) of `stepsPerEpoch × epochs`. */
export interface ScheduleClock {
  readonly step: number;
  readonly stepsPerEpoch: number;
  readonly epochs: number;
}

export const CONSTANT_SCHEDULE: LrSchedule = { kind: 'constant' };

/**
 * The learning rate of one optimizer step: a pure function of the step, so
 * a resumed run continues the curve where it stopped.
 */
export function learningRateAt(schedule: LrSchedule, learningRate: number, clock: ScheduleClock): number {
  const { step, stepsPerEpoch, epochs } = clock;
  if (!(stepsPerEpoch >= 1 && epochs >= 1 && step >= 0)) {
    throw new ModelError(`learning-rate schedule: bad clock (step ${step}, ${stepsPerEpoch} steps per epoch, ${epochs} epochs)`);
  }
  const total = stepsPerEpoch * epochs;
  switch (schedule.kind) {
    case 'constant':
      return learningRate;
    case 'step':
      return learningRate * schedule.factor ** Math.floor(Math.floor(step / stepsPerEpoch) / schedule.every);
    case 'cosine': {
      const warmup = Math.min(total, Math.round(schedule.warmupEpochs * stepsPerEpoch));
      // The first warm-up step is already above zero: a zero rate would waste a step.
      if (step < warmup) return (learningRate * (step + 1)) / warmup;
      const span = Math.max(1, total - warmup);
      return halfCosine(learningRate, schedule.minLearningRate, Math.min(1, (step - warmup) / span));
    }
    case 'one-cycle': {
      const start = learningRate / schedule.divFactor;
      const end = start / schedule.finalDivFactor;
      const up = Math.max(1, Math.round(schedule.warmupFraction * total));
      if (step < up) return halfCosine(start, learningRate, step / up);
      return halfCosine(learningRate, end, Math.min(1, (step - up) / Math.max(1, total - 1 - up)));
    }
  }
}

/** From `from` (at progress 0) to `to` (at progress 1) along half a cosine. */
function halfCosine(from: number, to: number, progress: number): number {
  return to + ((from - to) * (1 + Math.cos(Math.PI * progress))) / 2;
}

/** The rate at the first step of every epoch, for reports: [epochs]. */
export function learningRateCurve(schedule: LrSchedule, learningRate: number, stepsPerEpoch: number, epochs: number): number[] {
  return Array.from({ length: epochs }, (_, e) => learningRateAt(schedule, learningRate, { step: e * stepsPerEpoch, stepsPerEpoch, epochs }));
}
