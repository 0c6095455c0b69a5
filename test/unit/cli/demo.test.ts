import * as path from 'node:path';
import { DEMO_LABEL_BUDGETS, demoRows, formatDemoTable, transferMargin, transferRecipe, withLabelBudget } from '../../../cli/commands/demo';
import { readDataset } from '../../../lib/data/read';
import { splitDataset } from '../../../lib/data/split';
import { loadPipeline } from '../../../pipelines/load';
import type { PipelineRunResult } from '../../../workflows/progress';

const PIPELINES = path.resolve(__dirname, '../../../pipelines');

const evaluation = (testAccuracy: number) => ({ testAccuracy, perClassAccuracy: [], confusion: [], count: 2000 });
const result = (evaluations: PipelineRunResult['evaluations'], stages: [string, number][]): PipelineRunResult =>
  ({ status: 'completed', fingerprint: 'f', evaluations, stages: stages.map(([stage, seconds]) => ({ stage, outcome: 'computed', seconds })) }) as unknown as PipelineRunResult;

describe('graft demo', () => {
  it('transfers a pretrained ImageNet base and compares with a from-scratch network on the same data', async () => {
    const transfer = await loadPipeline(path.join(PIPELINES, 'fmnist-imagenet.yaml'));
    const scratch = await loadPipeline(path.join(PIPELINES, 'fmnist-scratch.yaml'));
    expect(transfer.base).toMatchObject({ architecture: 'efficientnet-lite0', weights: 'imagenet', inputSize: 224 });
    expect(transfer.mode).toBe('transfer');
    expect(scratch).toMatchObject({ mode: 'retrain', base: { architecture: 'small-cnn', weights: 'random' } });
    // Same images, labels and augmentation; all 10 classes; at least 2000 test images.
    expect(scratch.dataset).toEqual(transfer.dataset);
    expect(scratch.augment).toEqual(transfer.augment);
    expect(transfer.dataset.classes).toBeNull();
  });

  it('holds out at least 2000 test images and leaves every class enough images for the largest label budget', async () => {
    const transfer = await loadPipeline(path.join(PIPELINES, 'fmnist-imagenet.yaml'));
    const { dataset } = await readDataset(transfer.dataset.source, transfer.dataset);
    const { test, train } = splitDataset(dataset, { ...transfer.dataset.split, trainPerClass: null });
    expect(test.labels.length).toBeGreaterThanOrEqual(2000);
    const perClass = new Array<number>(dataset.classNames.length).fill(0);
    train.labels.forEach((label) => { perClass[label]! += 1; });
    expect(Math.min(...perClass)).toBeGreaterThanOrEqual(Math.max(...DEMO_LABEL_BUDGETS));
  });

  it('changes only the label budget (and drops fine-tuning when asked), so every row sees the same test images', async () => {
    const transfer = await loadPipeline(path.join(PIPELINES, 'fmnist-imagenet.yaml'));
    const at100 = withLabelBudget(transfer, 100, { fineTune: false });
    expect(at100.name).toBe('fmnist-imagenet-100');
    expect(at100.dataset.split).toEqual({ ...transfer.dataset.split, trainPerClass: 100 });
    expect(at100.fineTune).toBeNull();
    expect(withLabelBudget(transfer, 10, { fineTune: true }).fineTune).toEqual(transfer.fineTune);
    const { name: _a, dataset: d1, fineTune: _f1, ...rest1 } = at100;
    const { name: _b, dataset: d2, fineTune: _f2, ...rest2 } = transfer;
    expect(rest1).toEqual(rest2);
    expect({ ...d1, split: { ...d1.split, trainPerClass: null } }).toEqual({ ...d2, split: { ...d2.split, trainPerClass: null } });
  });

  it('trains the transfer head on augmented copies below 100 labels per class and on the labelled images alone from there', async () => {
    const transfer = await loadPipeline(path.join(PIPELINES, 'fmnist-imagenet.yaml'));
    expect(transfer.augment.copies).toBeGreaterThan(0);
    const at10 = withLabelBudget(transfer, 10, transferRecipe(10, true));
    const at100 = withLabelBudget(transfer, 100, transferRecipe(100, false));
    expect(at10.augment).toEqual(transfer.augment);
    expect(at10.fineTune).toEqual(transfer.fineTune);
    expect(at100.augment).toEqual({ ...transfer.augment, copies: 0 });
    expect(at100.fineTune).toBeNull();
    // Fine-tuning follows the smallest budget, whatever its size.
    expect(transferRecipe(200, true)).toEqual({ fineTune: true, augmentCopies: 0 });
  });

  it('rows name the model, the budget, the accuracy on how many images and the seconds of its own stages', () => {
    const transfer = result(
      [{ model: 'transfer', evaluation: evaluation(0.79) }, { model: 'fine-tune', evaluation: evaluation(0.81) }],
      [['ingest', 1], ['base', 2], ['extract', 20], ['train-head', 3], ['fine-tune', 30], ['evaluate', 25]],
    );
    const scratch = result([{ model: 'retrain', evaluation: evaluation(0.7) }], [['ingest', 1], ['train', 40], ['evaluate', 1]]);
    const rows = demoRows(10, transfer, scratch);
    expect(rows).toEqual([
      { model: 'transfer', labelsPerClass: 10, testAccuracy: 0.79, testImages: 2000, trainSeconds: 25 },
      { model: 'fine-tune', labelsPerClass: 10, testAccuracy: 0.81, testImages: 2000, trainSeconds: 55 },
      { model: 'scratch', labelsPerClass: 10, testAccuracy: 0.7, testImages: 2000, trainSeconds: 40 },
    ]);
    expect(transferMargin(rows, 10)).toBeCloseTo(0.11, 10);
    const table = formatDemoTable(rows);
    expect(table).toHaveLength(4);
    expect(table[2]).toMatch(/^ {2}10 +fine-tune +81\.00% +55\.0 /);
  });
});
