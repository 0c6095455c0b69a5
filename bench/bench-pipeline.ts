/**
 * The pipelines the orchestration and cache benchmarks run: real
 * Fashion-MNIST through EfficientNet-Lite0 with its ImageNet weights at 96 px
 * (a transfer base must be pretrained; 96 px keeps extraction to seconds),
 * one augmented copy per image. On the idle 2-core machine `small` is about
 * 9 s of stage work and `large` about 35 s (the "≥ 30 s of work"
 * holds with the machine idle, not only under load); `quick` is a smoke test.
 */
import type { QueueNames } from '../runtime/queues';
import { definePipeline } from '../pipelines/define';
import type { PipelineSpec } from '../pipelines/schema';
import { FASHION_DIR } from './util';

export type BenchPipelineSize = 'quick' | 'small' | 'large';

const IMAGES_PER_CLASS: Record<BenchPipelineSize, number> = { quick: 30, small: 300, large: 1200 };

export function benchPipeline(name: string, queues: QueueNames, size: BenchPipelineSize): PipelineSpec {
  return definePipeline({
    name,
    dataset: {
      source: `idx://${FASHION_DIR}`,
      classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      limitPerClass: IMAGES_PER_CLASS[size],
      split: { validation: 0.1, test: 0.1, seed: 11 },
      imageSize: 28,
      channels: 1,
    },
    augment: { rotationRange: 10, widthShiftRange: 0.1, heightShiftRange: 0.1, copies: 1, seed: 3 },
    base: { architecture: 'efficientnet-lite0', weights: 'imagenet', inputSize: 96 },
    mode: 'transfer',
    head: { strategy: 'replace' },
    train: { epochs: size === 'quick' ? 2 : 5, batchSize: 32 },
    queues,
  });
}

/** Images per shard: several shards, so per-activity overhead shows. */
export const benchShardSize = (size: BenchPipelineSize): number => (size === 'quick' ? 128 : 1024);
