import { ModelError } from '../../../lib/errors';
import { CONSTANT_SCHEDULE, learningRateAt, learningRateCurve } from '../../../lib/models/train/lr-schedule';
import type { LrSchedule } from '../../../lib/models/types';

/** The rate at every optimizer step of a run: [stepsPerEpoch × epochs]. */
function everyStep(schedule: LrSchedule, learningRate: number, stepsPerEpoch: number, epochs: number): number[] {
  return Array.from({ length: stepsPerEpoch * epochs }, (_, step) => learningRateAt(schedule, learningRate, { step, stepsPerEpoch, epochs }));
}

function nonDecreasing(values: readonly number[]): boolean {
  return values.every((v, i) => i === 0 || v >= values[i - 1]!);
}

function nonIncreasing(values: readonly number[]): boolean {
  return values.every((v, i) => i === 0 || v <= values[i - 1]!);
}

describe('learningRateAt: constant', () => {
  it('is the learning rate at every step', () => {
    expect(new Set(everyStep(CONSTANT_SCHEDULE, 0.01, 7, 3))).toEqual(new Set([0.01]));
  });
});

describe('learningRateAt: step', () => {
  // 10 steps per epoch, 6 epochs: ×0.5 after epochs 2 and 4.
  const schedule: LrSchedule = { kind: 'step', every: 2, factor: 0.5 };
  const at = (step: number) => learningRateAt(schedule, 0.1, { step, stepsPerEpoch: 10, epochs: 6 });

  it('multiplies by factor after every `every` epochs, counting whole epochs', () => {
    expect(at(0)).toBeCloseTo(0.1, 12);
    expect(at(19)).toBeCloseTo(0.1, 12); // last step of epoch 2
    expect(at(20)).toBeCloseTo(0.05, 12); // first step of epoch 3
    expect(at(39)).toBeCloseTo(0.05, 12);
    expect(at(40)).toBeCloseTo(0.025, 12);
    expect(at(59)).toBeCloseTo(0.025, 12);
  });

  it('is constant within an epoch and never rises', () => {
    const rates = everyStep(schedule, 0.1, 10, 6);
    expect(nonIncreasing(rates)).toBe(true);
    for (let epoch = 0; epoch < 6; epoch++) expect(new Set(rates.slice(epoch * 10, epoch * 10 + 10)).size).toBe(1);
  });
});

describe('learningRateAt: cosine with warm-up', () => {
  // 4 steps per epoch, 5 epochs: 20 steps, of which the first 4 (1 epoch) warm up.
  const schedule: LrSchedule = { kind: 'cosine', warmupEpochs: 1, minLearningRate: 0.001 };
  const at = (step: number) => learningRateAt(schedule, 0.1, { step, stepsPerEpoch: 4, epochs: 5 });

  it('warms up linearly from lr/w at the first step to lr at the last warm-up step', () => {
    expect(at(0)).toBeCloseTo(0.025, 12);
    expect(at(1)).toBeCloseTo(0.05, 12);
    expect(at(2)).toBeCloseTo(0.075, 12);
    expect(at(3)).toBeCloseTo(0.1, 12);
  });

  it('then follows min + (lr − min)·(1 + cos(π·(s − w)/(T − w)))/2', () => {
    expect(at(4)).toBeCloseTo(0.1, 12); // progress 0
    expect(at(8)).toBeCloseTo(0.001 + 0.099 * (1 + Math.SQRT1_2) / 2, 12); // progress 1/4
    expect(at(12)).toBeCloseTo(0.0505, 12); // progress 1/2: halfway between lr and min
    expect(at(16)).toBeCloseTo(0.001 + 0.099 * (1 - Math.SQRT1_2) / 2, 12); // progress 3/4
  });

  it('ends one step short of minLearningRate: the curve reaches it at step T, after the last step (T − 1)', () => {
    // progress 15/16 at the last step: 0.001 + 0.099·(1 + cos(15π/16))/2 ≈ 0.00195.
    expect(at(19)).toBeCloseTo(0.001 + (0.099 * (1 + Math.cos((15 * Math.PI) / 16))) / 2, 12);
    expect(at(19)).toBeGreaterThan(0.001);
    expect(at(19)).toBeLessThan(0.002);
    // Past the end it stays at the floor.
    expect(at(20)).toBeCloseTo(0.001, 12);
    expect(at(25)).toBeCloseTo(0.001, 12);
  });

  it('rises during warm-up and falls after it', () => {
    const rates = everyStep(schedule, 0.1, 4, 5);
    expect(nonDecreasing(rates.slice(0, 5))).toBe(true);
    expect(nonIncreasing(rates.slice(4))).toBe(true);
    expect(Math.max(...rates)).toBeCloseTo(0.1, 12);
    expect(Math.min(...rates)).toBeGreaterThan(0.001);
  });

  it('without warm-up starts at the peak', () => {
    const noWarmup: LrSchedule = { kind: 'cosine', warmupEpochs: 0, minLearningRate: 0 };
    expect(learningRateAt(noWarmup, 0.1, { step: 0, stepsPerEpoch: 4, epochs: 5 })).toBeCloseTo(0.1, 12);
    expect(learningRateAt(noWarmup, 0.1, { step: 10, stepsPerEpoch: 4, epochs: 5 })).toBeCloseTo(0.05, 12);
  });

  it('rounds a fractional warm-up to whole steps', () => {
    // 0.5 epochs of 4 steps: 2 warm-up steps.
    const half: LrSchedule = { kind: 'cosine', warmupEpochs: 0.5, minLearningRate: 0 };
    const rates = everyStep(half, 0.1, 4, 5).slice(0, 3);
    expect(rates[0]).toBeCloseTo(0.05, 12);
    expect(rates[1]).toBeCloseTo(0.1, 12);
    expect(rates[2]).toBeCloseTo(0.1, 12);
  });

  it('with a warm-up as long as the run only warms up, and reaches lr at the last step', () => {
    const long: LrSchedule = { kind: 'cosine', warmupEpochs: 10, minLearningRate: 0 };
    const rates = everyStep(long, 0.1, 3, 2);
    expect(rates[0]).toBeCloseTo(0.1 / 6, 12);
    expect(rates[5]).toBeCloseTo(0.1, 12);
    expect(nonDecreasing(rates)).toBe(true);
  });
});

describe('learningRateAt: one-cycle', () => {
  // 7 steps per epoch, 3 epochs: T = 21 steps; up = round(0.2·21) = 4 steps; down over T − 1 − up = 16 steps.
  const schedule: LrSchedule = { kind: 'one-cycle', warmupFraction: 0.2, divFactor: 25, finalDivFactor: 1e4 };
  const at = (step: number) => learningRateAt(schedule, 0.1, { step, stepsPerEpoch: 7, epochs: 3 });
  const start = 0.1 / 25; // 0.004
  const end = start / 1e4; // 4e-7

  it('starts at lr/divFactor and rises along a half cosine to lr', () => {
    expect(at(0)).toBeCloseTo(start, 12);
    expect(at(2)).toBeCloseTo((start + 0.1) / 2, 12); // progress 1/2
    expect(at(4)).toBeCloseTo(0.1, 12); // the peak, at step `up`
  });

  it('falls along a half cosine to lr/(divFactor·finalDivFactor), reached at the last step', () => {
    expect(at(12)).toBeCloseTo((0.1 + end) / 2, 12); // progress 8/16
    expect(at(20)).toBeCloseTo(end, 15);
  });

  it('rises, then falls', () => {
    const rates = everyStep(schedule, 0.1, 7, 3);
    expect(nonDecreasing(rates.slice(0, 5))).toBe(true);
    expect(nonIncreasing(rates.slice(4))).toBe(true);
    expect(Math.max(...rates)).toBeCloseTo(0.1, 12);
  });

  it('has at least one step of rise, even in a very short run', () => {
    const short: LrSchedule = { kind: 'one-cycle', warmupFraction: 0, divFactor: 10, finalDivFactor: 10 };
    const rates = everyStep(short, 1, 1, 3);
    expect(rates[0]).toBeCloseTo(0.1, 12);
    expect(rates[1]).toBeCloseTo(1, 12);
    expect(rates[2]).toBeCloseTo(0.01, 12);
  });
});

describe('learningRateAt: the clock', () => {
  it('is a pure function of the step, so a resumed run continues the curve', () => {
    const schedule: LrSchedule = { kind: 'cosine', warmupEpochs: 1, minLearningRate: 0 };
    const clock = { step: 13, stepsPerEpoch: 5, epochs: 4 };
    expect(learningRateAt(schedule, 0.1, clock)).toBe(learningRateAt(schedule, 0.1, { ...clock }));
  });

  it('refuses a clock without steps or epochs, or with a negative step', () => {
    expect(() => learningRateAt(CONSTANT_SCHEDULE, 0.1, { step: 0, stepsPerEpoch: 0, epochs: 3 })).toThrow(ModelError);
    expect(() => learningRateAt(CONSTANT_SCHEDULE, 0.1, { step: 0, stepsPerEpoch: 4, epochs: 0 })).toThrow(ModelError);
    expect(() => learningRateAt(CONSTANT_SCHEDULE, 0.1, { step: -1, stepsPerEpoch: 4, epochs: 3 })).toThrow(/bad clock/);
    expect(() => learningRateAt(CONSTANT_SCHEDULE, 0.1, { step: Number.NaN, stepsPerEpoch: 4, epochs: 3 })).toThrow(ModelError);
  });
});

describe('learningRateCurve', () => {
  it('gives the rate at the first step of every epoch', () => {
    const curve = learningRateCurve({ kind: 'step', every: 2, factor: 0.5 }, 0.1, 10, 6);
    expect(curve).toHaveLength(6);
    [0.1, 0.1, 0.05, 0.05, 0.025, 0.025].forEach((rate, epoch) => expect(curve[epoch]).toBeCloseTo(rate, 12));
  });

  it('matches learningRateAt at each epoch start', () => {
    const schedule: LrSchedule = { kind: 'one-cycle', warmupFraction: 0.25, divFactor: 25, finalDivFactor: 1e4 };
    const curve = learningRateCurve(schedule, 0.01, 9, 4);
    curve.forEach((rate, e) => expect(rate).toBe(learningRateAt(schedule, 0.01, { step: e * 9, stepsPerEpoch: 9, epochs: 4 })));
  });
});
