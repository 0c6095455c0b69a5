/** The pipeline the orchestration and cache benchmarks run: real Fashion-MNIST, small-cnn, one augmented copy. */
import type { QueueNames } from '../runtime/queues';
import { definePipeline } from '../pipelines/define';
import type { PipelineSpec } from '../pipelines/schema';
import { FASHION_DIR } from './util';

export function benchPipeline(name: string, queues: QueueNames, quick: boolean): PipelineSpec {
  return definePipeline({
    name,
    dataset: {
      source: `idx://${FASHION_DIR}`,
      classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      limitPerClass: quick ? 30 : 300,
      split: { validation: 0.1, test: 0.1, seed: 11 },
      imageSize: 28,
      channels: 1,
    },
    augment: { rotationRange: 10, widthShiftRange: 0.1, heightShiftRange: 0.1, copies: 1, seed: 3 },
    base: { architecture: 'small-cnn', inputShape: [28, 28, 1] },
    mode: 'transfer',
    head: { strategy: 'replace' },
    train: { epochs: quick ? 2 : 5, batchSize: 32 },
    queues,
  });
}

/** Images per shard: several shards, so per-activity overhead shows. */
export const benchShardSize = (quick: boolean): number => (quick ? 128 : 1024);
