// Ingest's streamed read against the in-memory one it replaced: the same
// fingerprint, the same split and byte-identical shards (so cache keys and
// extraction's content hashes do not move), for IDX files and class folders.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { datasetFingerprint } from '../../../lib/data/fingerprint';
import { readDataset } from '../../../lib/data/read';
import { splitDataset } from '../../../lib/data/split';
import type { DatasetOptions } from '../../../lib/data/types';
import { DataError } from '../../../lib/errors';
import { datasetShard, writeShard } from '../../../lib/stages/shards';
import { SPLIT_NAMES, StreamedSource } from '../../../lib/stages/streamed-source';
import { StageCache } from '../../../lib/store/cache';
import { MemoryStore } from '../../support/memory-store';
import { pngBytes, tempDir, writeTree } from '../data/helpers';

/** The in-memory path: readDataset, splitDataset, datasetShard; each shard's content hash. */
async function inMemory(options: DatasetOptions & { source: string; split: NonNullable<DatasetOptions['split']> }, shardSize: number) {
  const { dataset: ds, skipped } = await readDataset(options.source, options);
  const splits = splitDataset(ds, options.split);
  const writer = new StageCache(new MemoryStore()).writer('ingest', 'k');
  const shards: Record<string, string[]> = {};
  for (const split of SPLIT_NAMES) {
    shards[split] = [];
    for (let offset = 0; offset < splits[split].labels.length; offset += shardSize) {
      const count = Math.min(shardSize, splits[split].labels.length - offset);
      shards[split].push(await writeShard(writer, `${split}-${offset}`, datasetShard(splits[split], offset, count)));
    }
  }
  return { fingerprint: datasetFingerprint(ds), classNames: ds.classNames, shards, skipped: skipped.map((s) => s.file) };
}

async function streamed(options: DatasetOptions & { split: NonNullable<DatasetOptions['split']> }, shardSize: number) {
  const source = await StreamedSource.open(options, undefined);
  try {
    const writer = new StageCache(new MemoryStore()).writer('ingest', 'k');
    const parts = source.split(options.split);
    const shards: Record<string, string[]> = {};
    for (const split of SPLIT_NAMES) shards[split] = (await source.writeShards(writer, split, parts[split], shardSize)).map((s) => s.contentHash);
    return { fingerprint: await source.fingerprint(), classNames: source.classNames, shards, skipped: source.skipped.map((s) => s.file) };
  } finally {
    await source.remove();
  }
}

/** A small IDX folder (gzipped, as Fashion-MNIST ships): `n` 4×3 images whose pixels follow their index, labels i % 3. */
function idxFolder(n: number): string {
  const dir = tempDir('idx-stream');
  const images = Buffer.alloc(16 + n * 12);
  images.writeUInt32BE(0x00000803, 0);
  images.writeUInt32BE(n, 4);
  images.writeUInt32BE(4, 8);
  images.writeUInt32BE(3, 12);
  for (let i = 0; i < n * 12; i++) images[16 + i] = (i * 7 + Math.floor(i / 12) * 13) & 255;
  const labels = Buffer.alloc(8 + n);
  labels.writeUInt32BE(0x00000801, 0);
  labels.writeUInt32BE(n, 4);
  for (let i = 0; i < n; i++) labels[8 + i] = i % 3;
  writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(images));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), labels);
  return dir;
}

describe('StreamedSource: ingest in bounded memory', () => {
  it('IDX: the same fingerprint and byte-identical shards as the in-memory read, with classes, a per-class limit and resizing', async () => {
    const dir = idxFolder(300);
    const options = {
      source: `idx://${dir}`, classes: ['2', '0'], limitPerClass: 70, imageSize: [5, 5] as [number, number], channels: 3 as const,
      split: { validation: 0.2, test: 0.2, seed: 3 },
    };
    const a = await inMemory(options, 16);
    const b = await streamed(options, 16);
    expect(b).toEqual(a);
    expect(b.shards.train!.length).toBeGreaterThan(2);
  });

  it('class folders with a bad file skipped: the same as the in-memory read', async () => {
    const dir = tempDir('stream-folder');
    const files: Record<string, Uint8Array | string> = { 'cat/bad.png': 'not an image' };
    for (let i = 0; i < 12; i++) files[`${i % 2 ? 'cat' : 'dog'}/${i}.png`] = await pngBytes(6 + (i % 3), 5, i % 4 === 0 ? 1 : 3, (p) => p * (i + 1));
    writeTree(dir, files);
    const options = { source: `dir://${dir}`, imageSize: [4, 4] as [number, number], channels: 3 as const, onBadImage: 'skip' as const, split: { validation: 0, test: 0.3, seed: 1 } };
    const b = await streamed(options, 3);
    expect(b).toEqual(await inMemory(options, 3));
    expect(b.skipped.map((f) => f.split('/').pop())).toEqual(['bad.png']);
    await expect(streamed({ ...options, onBadImage: 'fail' }, 3)).rejects.toThrow(DataError);
  });

  it('a truncated IDX body is a DataError', async () => {
    const dir = idxFolder(10);
    const path = join(dir, 'train-images-idx3-ubyte.gz');
    writeFileSync(path, gunzipSync(readFileSync(path)).subarray(0, 16 + 5 * 12));
    await expect(streamed({ source: `idx://${dir}`, imageSize: [4, 3], channels: 1, split: { validation: 0, test: 0.2, seed: 0 } }, 4)).rejects.toThrow(/header says/);
  });
});
