/**
 * (d) Augmentation throughput, Graft's `augmentBatch` (through
 * bench/augment.ts's `benchAugment`) vs Keras' ImageDataGenerator with the
 * same ranges, on the same synthetic pixels and batch sizes.
 */
import { benchAugment, type AugmentBenchRow } from './augment';
import type { BenchOptions, PeerInfo } from './util';
import { runPeer } from './util';

export interface AugmentCompareRow {
  readonly shape: readonly [number, number, number];
  readonly images: number;
  readonly batchSize: number;
  readonly graftImagesPerSecond: number;
  readonly kerasImagesPerSecond: number;
  /** Graft ÷ Keras: above 1 means Graft is faster. */
  readonly ratio: number;
}

export interface AugmentCompareResult {
  readonly rows: AugmentCompareRow[];
  /** Every case bench/augment.ts measures (Graft only), for reference. */
  readonly graftCases: readonly AugmentBenchRow[];
  readonly peer: PeerInfo;
}

interface PeerAugment {
  readonly imagesPerSecond: number;
  readonly peer: PeerInfo;
}

export async function benchKerasAugment(options: BenchOptions = {}): Promise<AugmentCompareResult> {
  const graft = await benchAugment({ quick: options.quick ?? false });
  const rows: AugmentCompareRow[] = [];
  let peer: PeerInfo | undefined;
  // The cases ImageDataGenerator can do: the Keras-like affine + photometric config.
  for (const g of graft.rows.filter((r) => r.case === 'affine+photometric')) {
    const [height, width, channels] = g.shape;
    const keras = await runPeer<PeerAugment>('augment.py', { height, width, channels, images: g.images, batch: g.batchSize });
    peer = keras.peer;
    rows.push({
      shape: g.shape, images: g.images, batchSize: g.batchSize, graftImagesPerSecond: g.imagesPerSecond,
      kerasImagesPerSecond: keras.imagesPerSecond, ratio: g.imagesPerSecond / keras.imagesPerSecond,
    });
  }
  return { rows, graftCases: graft.rows, peer: peer! };
}
