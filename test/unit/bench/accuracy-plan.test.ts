// The accuracy benchmark's variants of the demo pipelines, without running
// them (the runs need the store): held-out set, budgets, seeds, augmentation.
import * as path from 'node:path';
import { FULL_PLAN, QUICK_PLAN, SCRATCH_PIPELINE, TRANSFER_PIPELINE, budgetVariant, heldOut } from '../../../bench/accuracy';
import { splitCounts } from '../../../lib/data/split';
import { loadPipeline } from '../../../pipelines/load';

const ROOT = path.resolve(__dirname, '../../..');

test('the split is asked for testPerClass test images per class and leaves the largest budget and a spare for training', () => {
  for (const plan of [FULL_PLAN, QUICK_PLAN]) {
    const { limitPerClass, testFraction } = heldOut(plan);
    const largest = Math.max(...plan.budgets.map((b) => b.labelsPerClass));
    expect(splitCounts(limitPerClass, { validation: 0, test: testFraction, seed: 0 })).toEqual({ validation: 0, test: plan.testPerClass, train: largest + plan.sparePerClass });
  }
  expect(heldOut(FULL_PLAN)).toEqual({ limitPerClass: 1300, testFraction: 200 / 1300 });
});

test('every model of a budget and seed sees the same images, labels and augmentation; only the budget changes the training set', async () => {
  const transfer = await loadPipeline(path.join(ROOT, TRANSFER_PIPELINE));
  const scratch = await loadPipeline(path.join(ROOT, SCRATCH_PIPELINE));
  for (const budget of FULL_PLAN.budgets) {
    for (const seed of FULL_PLAN.seeds) {
      const t = budgetVariant(transfer, FULL_PLAN, budget, seed, { fineTune: budget.fineTune });
      const s = budgetVariant(scratch, FULL_PLAN, budget, seed, { epochs: budget.scratchEpochs });
      expect(t.dataset).toEqual(s.dataset);
      expect(t.augment).toEqual(s.augment);
      expect(t.dataset.split).toEqual({ validation: 0, test: 200 / 1300, seed, trainPerClass: budget.labelsPerClass });
      expect(t.augment).toMatchObject({ copies: budget.augmentCopies, seed });
      expect(t.base).toMatchObject({ architecture: 'efficientnet-lite0', weights: 'imagenet', inputSize: 224 });
      expect(t.train.epochs).toBe(transfer.train.epochs);
      expect(t.fineTune).toEqual(budget.fineTune ? transfer.fineTune : null);
      expect(s.base).toMatchObject({ architecture: 'small-cnn', weights: 'random' });
      expect(s.train.epochs).toBe(budget.scratchEpochs);
      expect(s.fineTune).toBeNull();
    }
  }
  // The held-out set does not depend on the budget.
  const [a, b] = FULL_PLAN.budgets.map((budget) => budgetVariant(transfer, FULL_PLAN, budget, 1).dataset);
  expect({ ...a!, split: { ...a!.split, trainPerClass: null } }).toEqual({ ...b!, split: { ...b!.split, trainPerClass: null } });
});

test('quick mode stays small: one seed, one budget, no 224 px extraction', async () => {
  expect(QUICK_PLAN.seeds).toHaveLength(1);
  expect(QUICK_PLAN.budgets).toHaveLength(1);
  const transfer = await loadPipeline(path.join(ROOT, TRANSFER_PIPELINE));
  const t = budgetVariant(transfer, QUICK_PLAN, QUICK_PLAN.budgets[0]!, 1, { epochs: QUICK_PLAN.headEpochs, fineTune: true });
  expect(t.base.inputSize).toBe(32);
  expect(t.train.epochs).toBeLessThanOrEqual(2);
  expect(t.fineTune?.epochs).toBe(1);
});
