import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { openIdxRows } from '../../../lib/data/idx-stream';
import { openImageStream } from '../../../lib/data/image-stream';
import { DataError } from '../../../lib/errors';
import { tempDir } from './helpers';

/** IDX image bytes: `n` h×w images, byte i = i·31 mod 256. */
function idxImages(n: number, h: number, w: number): Buffer {
  const out = Buffer.alloc(16 + n * h * w);
  out.writeUInt32BE(0x00000803, 0);
  out.writeUInt32BE(n, 4);
  out.writeUInt32BE(h, 8);
  out.writeUInt32BE(w, 12);
  for (let i = 0; i < n * h * w; i++) out[16 + i] = (i * 31) & 255;
  return out;
}

describe('IDX rows streamed', () => {
  it.each([['raw', false], ['gzipped', true]])('%s: pages of any size concatenate to the body, the last one shorter', async (_name, gz) => {
    const dir = tempDir('idx-rows');
    const bytes = idxImages(103, 5, 4);
    const file = join(dir, 'x-images-idx3-ubyte');
    writeFileSync(file, gz ? gzipSync(bytes) : bytes);
    const rows = await openIdxRows(file);
    expect([rows.count, rows.height, rows.width]).toEqual([103, 5, 4]);
    for (const size of [1, 7, 103, 500]) {
      const pages: Uint8Array[] = [];
      for await (const page of rows.pages(size)) pages.push(page);
      expect(pages.map((p) => p.length / 20)).toEqual(Array.from({ length: Math.ceil(103 / size) }, (_, i) => Math.min(size, 103 - i * size)));
      expect(Buffer.concat(pages).equals(bytes.subarray(16))).toBe(true);
    }
  });

  it('a wrong magic, a rank other than 3 and a body longer than the header says are DataErrors', async () => {
    const dir = tempDir('idx-rows-bad');
    const bad = idxImages(3, 2, 2);
    const write = (name: string, b: Buffer) => { writeFileSync(join(dir, name), b); return join(dir, name); };
    await expect(openIdxRows(write('magic', Buffer.concat([Buffer.from([1]), bad.subarray(1)])))).rejects.toThrow(/magic/);
    const rank = Buffer.from(bad);
    rank[3] = 1;
    await expect(openIdxRows(write('rank', rank))).rejects.toThrow(/rank-3/);
    const rows = await openIdxRows(write('long', Buffer.concat([bad, Buffer.alloc(5)])));
    const drain = async () => { for await (const page of rows.pages(2)) void page; };
    await expect(drain()).rejects.toThrow(DataError);
  });

  it('openImageStream: a source with no IDX files, or a missing folder, is a DataError', async () => {
    await expect(openImageStream(`idx://${tempDir('idx-empty')}`, { imageSize: [2, 2], channels: 1 })).rejects.toThrow(/no IDX files/);
    await expect(openImageStream('idx:///nonexistent/graft', { imageSize: [2, 2], channels: 1 })).rejects.toThrow(/does not exist/);
  });
});
