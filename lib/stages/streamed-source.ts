/**
 * Ingest's read of a source in bounded memory: the images stream in pages,
 * are decoded once and spilled to a local temporary file, and everything
 * after works from labels and split draws (about 20 bytes an image) and
 * from rows read back: class selection, the per-class limit, the content
 * fingerprint, the split and the shards. The result is byte for byte what
 * `readDataset` + `splitDataset` + `datasetShard` give in memory (the same
 * fingerprint, the same shards), so the cache keys do not change.
 */
import type { ObjectStore } from '../store/object-store';
import type { CacheWriter } from '../store/cache-writer';
import { DataError } from '../errors';
import { fingerprintHash } from '../data/fingerprint';
import { openImageStream } from '../data/image-stream';
import { selectLabels, type LabelSelection } from '../data/select';
import { SpilledImages } from '../data/spilled-images';
import { splitIndices } from '../data/split';
import { normalizeImageSize, type DatasetOptions, type DatasetSplitOptions, type SkippedImage } from '../data/types';
import { oneHot, writeShard } from './shards';

export type SplitName = 'train' | 'validation' | 'test';
export const SPLIT_NAMES: readonly SplitName[] = ['train', 'validation', 'test'];

/** A shard ingest wrote: `<split>-<index>`, its size, its first image's index in the split, and its content hash. */
export interface WrittenShard {
  readonly name: string;
  readonly count: number;
  readonly offset: number;
  readonly contentHash: string;
}

/** Rows read back at once while fingerprinting. */
const READ_ROWS = 2048;

export class StreamedSource {
  private constructor(
    private readonly spill: SpilledImages,
    private readonly selection: LabelSelection,
    readonly imageShape: [number, number, number],
    readonly skipped: readonly SkippedImage[],
  ) {}

  /**
   * Streams `dataset.source` into a spill file and applies the class
   * selection and per-class limit; `onProgress` hears the images read so far.
   * `imageSize` and `channels` are required: a streamed read cannot look at
   * every image before choosing them.
   */
  static async open(dataset: DatasetOptions, store: ObjectStore | undefined, onProgress?: (images: number) => void | Promise<void>): Promise<StreamedSource> {
    if (!dataset.source) throw new DataError('dataset.source is required');
    if (dataset.imageSize === undefined || dataset.channels === undefined) throw new DataError('a streamed read needs dataset.imageSize and dataset.channels');
    const [height, width] = normalizeImageSize(dataset.imageSize);
    const channels = dataset.channels;
    const stream = await openImageStream(dataset.source, { imageSize: [height, width], channels, onBadImage: dataset.onBadImage ?? 'fail' }, store);
    const spill = await SpilledImages.write(stream, height * width * channels, dataset.split?.seed ?? 0, onProgress);
    try {
      const selection = selectLabels(stream, spill.labels, dataset.classes, dataset.limitPerClass, dataset.split?.seed ?? 0);
      return new StreamedSource(spill, selection, [height, width, channels], stream.skipped);
    } catch (err) {
      await spill.remove();
      throw err;
    }
  }

  get classNames(): readonly string[] {
    return this.selection.classNames;
  }

  /** Images kept. */
  get count(): number {
    return this.selection.indices.length;
  }

  /** `datasetFingerprint` of the kept images, reading them back in order. */
  async fingerprint(): Promise<string> {
    const h = fingerprintHash(this.selection.classNames, this.selection.labels, this.imageShape);
    for (let start = 0; start < this.count; start += READ_ROWS) {
      h.update(await this.spill.readRows(this.selection.indices.subarray(start, start + READ_ROWS)));
    }
    return h.digest('hex');
  }

  /** The images of each split, as indices into the kept images (ascending), by `splitDataset`'s rule. */
  split(options: DatasetSplitOptions): Record<SplitName, number[]> {
    const { indices } = this.selection;
    return splitIndices(this.selection.labels, this.selection.classNames.length, (i) => this.spill.draw(indices[i]!), options);
  }

  /** Writes one split's images as shards of `shardSize`, named `<split>-00000`…; `onShard` hears the images written. */
  async writeShards(
    writer: CacheWriter, split: SplitName, members: readonly number[], shardSize: number, onShard?: (done: number) => void | Promise<void>,
  ): Promise<WrittenShard[]> {
    const shards: WrittenShard[] = [];
    const [height, width, channels] = this.imageShape;
    for (let offset = 0, index = 0; offset < members.length; offset += shardSize, index++) {
      const name = `${split}-${String(index).padStart(5, '0')}`;
      const part = members.slice(offset, offset + shardSize);
      const x = await this.spill.readRows(part.map((i) => this.selection.indices[i]!));
      const y = oneHot(Int32Array.from(part, (i) => this.selection.labels[i]!), this.selection.classNames.length);
      const contentHash = await writeShard(writer, name, { x, xShape: [part.length, height, width, channels], y, numClasses: this.selection.classNames.length });
      shards.push({ name, count: part.length, offset, contentHash });
      await onShard?.(offset + part.length);
    }
    return shards;
  }

  /** Removes the spill file. */
  remove(): Promise<void> {
    return this.spill.remove();
  }
}
