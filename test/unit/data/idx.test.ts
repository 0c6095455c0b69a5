import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataError } from '../../../lib/errors';
import { FASHION_MNIST_CLASSES, parseIdx, readIdxDataset } from '../../../lib/data';
import { idxBytes, tempDir, writeTree } from './helpers';

const FASHION = '/usr/share/datasets/fashion-mnist';

describe('parseIdx', () => {
  const body = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i);
  const raw = idxBytes([2, 3, 4], body);

  it('reads dims and data from raw and gzipped bytes alike', () => {
    for (const bytes of [raw, gzipSync(raw)]) {
      const a = parseIdx(bytes, 'x.idx');
      expect(a.dims).toEqual([2, 3, 4]);
      expect(Array.from(a.data)).toEqual(Array.from(body));
    }
  });

  it('rejects a wrong magic number with a DataError naming the file', () => {
    const bad = Uint8Array.from(raw);
    bad[0] = 0x12;
    expect(() => parseIdx(bad, '/data/bad-images')).toThrow(DataError);
    expect(() => parseIdx(bad, '/data/bad-images')).toThrow(/\/data\/bad-images.*magic/);
  });

  it('rejects a body shorter than the header says and non-byte element types', () => {
    expect(() => parseIdx(raw.subarray(0, raw.length - 1), 'short')).toThrow(/short.*23 bytes, header says 24/);
    const floats = Uint8Array.from(raw);
    floats[2] = 0x0d;
    expect(() => parseIdx(floats, 'f')).toThrow(/element type 0xd/);
  });
});

describe('readIdxDataset', () => {
  it('names the labels file when label and image counts differ', () => {
    const dir = tempDir('idx');
    writeTree(dir, {
      'train-images-idx3-ubyte': idxBytes([3, 2, 2], new Uint8Array(12)),
      'train-labels-idx1-ubyte.gz': gzipSync(idxBytes([2], Uint8Array.from([0, 1]))),
    });
    let err: unknown;
    try {
      readIdxDataset(dir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).file).toBe(join(dir, 'train-labels-idx1-ubyte.gz'));
    expect((err as Error).message).toMatch(/2 labels for 3 images/);
  });

  it('fails with a DataError for a missing folder and for a folder without IDX files', () => {
    expect(() => readIdxDataset('/nonexistent/graft-idx')).toThrow(DataError);
    expect(() => readIdxDataset(tempDir('empty'))).toThrow(/no IDX files/);
  });

  it('reads a small raw pair with digit class names', () => {
    const dir = tempDir('mnist');
    writeTree(dir, {
      't10k-images-idx3-ubyte': idxBytes([2, 2, 3], Uint8Array.from({ length: 12 }, (_, i) => i * 10)),
      't10k-labels-idx1-ubyte': idxBytes([2], Uint8Array.from([7, 3])),
    });
    const ds = readIdxDataset(dir);
    expect([ds.height, ds.width, ds.channels]).toEqual([2, 3, 1]);
    expect(Array.from(ds.labels)).toEqual([7, 3]);
    expect(ds.classNames[7]).toBe('7');
    expect(ds.images[11]).toBe(110);
  });

  describe('on Debian Fashion-MNIST', () => {
    it('reads t10k: 10 000 28×28 images, 1000 per class, Graft class names', () => {
      const ds = readIdxDataset(FASHION, { parts: ['t10k'] });
      expect(ds.labels.length).toBe(10_000);
      expect([ds.height, ds.width, ds.channels]).toEqual([28, 28, 1]);
      expect(ds.images.length).toBe(10_000 * 784);
      const counts = new Array(10).fill(0);
      ds.labels.forEach((l) => counts[l]++);
      expect(counts).toEqual(new Array(10).fill(1000));
      expect(ds.classNames).toEqual(FASHION_MNIST_CLASSES);
      expect(ds.classAliases?.[0]).toEqual(['T-shirt/top']);
    });
  });
});
