/**
 * The Fashion-MNIST transfer experiment on Graft's real stage code (called
 * in-process): pretrain small-cnn on source classes 0–4, then for the target
 * classes 5–9 with N labelled images per class compare transfer (frozen base
 * + new head), fine-tune (transfer, then the top block unfrozen) and the same
 * network from scratch, on a held-out test set of the target classes.
 */
import type { QueueNames } from '../runtime/queues';
import { definePipeline } from '../pipelines/define';
import type { PipelineInput } from '../pipelines/schema';
import { directActivities, runPipelineDirect } from './direct-pipeline';
import { BENCH_BUCKET, openBenchStore } from './stack';
import type { BenchOptions } from './util';
import { FASHION_DIR } from './util';

export interface AccuracyRow {
  readonly labelsPerClass: number;
  readonly testImages: number;
  readonly transfer: number;
  readonly fineTune: number;
  readonly scratch: number;
}

export interface AccuracyBenchResult {
  readonly sourceClasses: number[];
  readonly targetClasses: number[];
  readonly pretrain: { readonly imagesPerClass: number; readonly epochs: number; readonly testAccuracy: number };
  readonly headEpochs: number;
  readonly fineTuneEpochs: number;
  readonly scratchEpochs: number;
  readonly rows: AccuracyRow[];
}

const QUEUES: QueueNames = { cpu: 'unused', gpu: 'unused' };
const SOURCE = [0, 1, 2, 3, 4];
const TARGET = [5, 6, 7, 8, 9];

export async function benchAccuracy(options: BenchOptions = {}): Promise<AccuracyBenchResult> {
  const quick = options.quick ?? false;
  const sizes = quick ? [10] : [10, 50, 200];
  const testPerClass = quick ? 40 : 300;
  const pretrainPerClass = quick ? 100 : 1500;
  const pretrainEpochs = quick ? 1 : 3;
  const headEpochs = quick ? 3 : 20;
  const fineTuneEpochs = quick ? 1 : 5;
  const bench = await openBenchStore();
  const acts = directActivities({ store: bench.store });
  const common = { base: { architecture: 'small-cnn' as const, inputShape: [28, 28, 1] as [number, number, 1] }, queues: QUEUES };
  try {
    const pretrain = await runPipelineDirect(acts, definePipeline({
      ...common,
      name: 'bench-pretrain',
      dataset: { source: `idx://${FASHION_DIR}`, classes: SOURCE, limitPerClass: pretrainPerClass, split: { validation: 0.1, test: 0.1, seed: 42 }, imageSize: 28, channels: 1 },
      mode: 'retrain',
      train: { epochs: pretrainEpochs, batchSize: 64, learningRate: 0.001 },
    }));
    // The published model, as a user would transfer from it (fmnist-transfer.yaml does the same).
    const baseUri = `s3://${BENCH_BUCKET}/models/bench-pretrain/${pretrain.runId}/model.json`;
    const rows: AccuracyRow[] = [];
    for (const n of sizes) {
      const target = {
        name: `bench-target-${n}`,
        dataset: {
          source: `idx://${FASHION_DIR}`, classes: TARGET, limitPerClass: n + testPerClass,
          split: { validation: 0, test: testPerClass / (n + testPerClass), seed: 7 }, imageSize: 28, channels: 1,
        },
        head: { strategy: 'replace' },
        queues: QUEUES,
      } satisfies Partial<PipelineInput>;
      const transfer = await runPipelineDirect(acts, definePipeline({
        ...target,
        base: { uri: baseUri, inputShape: [28, 28, 1], cutAt: 'pool3' },
        mode: 'transfer',
        train: { epochs: headEpochs, batchSize: 16, learningRate: 0.001 },
        fineTune: { topLayers: 4, epochs: fineTuneEpochs, learningRate: 0.0001 },
      } as PipelineInput), { publish: false });
      const scratch = await runPipelineDirect(acts, definePipeline({
        ...target, ...common,
        mode: 'retrain',
        train: { epochs: headEpochs, batchSize: 16, learningRate: 0.001 },
      } as PipelineInput), { publish: false });
      const acc = (run: typeof transfer, model: string): number => run.evaluations.find((e) => e.model === model)!.evaluation.testAccuracy;
      rows.push({
        labelsPerClass: n, testImages: transfer.evaluations[0]!.evaluation.count,
        transfer: acc(transfer, 'transfer'), fineTune: acc(transfer, 'fine-tune'), scratch: acc(scratch, 'retrain'),
      });
    }
    return {
      sourceClasses: SOURCE, targetClasses: TARGET,
      pretrain: { imagesPerClass: pretrainPerClass, epochs: pretrainEpochs, testAccuracy: pretrain.evaluations[0]!.evaluation.testAccuracy },
      headEpochs, fineTuneEpochs, scratchEpochs: headEpochs, rows,
    };
  } finally {
    await bench.clear();
  }
}
