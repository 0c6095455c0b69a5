import { join } from 'node:path';
import { DataError } from '../../../lib/errors';
import { readDataset, readImageFolder } from '../../../lib/data';
import { pngBytes, tempDir, writeTree } from './helpers';

async function goodTree(): Promise<string> {
  const dir = tempDir('folder');
  writeTree(dir, {
    'dog/b.png': await pngBytes(4, 6, 3, (i) => (i % 3 === 0 ? 200 : 10)),
    'dog/a.png': await pngBytes(4, 6, 3, () => 50),
    'cat/1.png': await pngBytes(8, 12, 1, () => 99),
    'cat/.DS_Store': 'junk that is hidden',
  });
  return dir;
}

describe('readImageFolder', () => {
  it('reads classes in sorted order, files sorted, at the first image size, colour when any image is colour', async () => {
    const { dataset: ds, skipped } = await readImageFolder(await goodTree());
    expect(ds.classNames).toEqual(['cat', 'dog']);
    expect(Array.from(ds.labels)).toEqual([0, 1, 1]);
    expect([ds.height, ds.width, ds.channels]).toEqual([8, 12, 3]);
    expect(ds.sources?.map((s) => s.split('/').slice(-2).join('/'))).toEqual(['cat/1.png', 'dog/a.png', 'dog/b.png']);
    // The gray cat (99) is repeated into RGB; the 4×6 dog is upsampled to 8×12.
    expect(Array.from(ds.images.subarray(0, 6))).toEqual([99, 99, 99, 99, 99, 99]);
    expect(ds.images[8 * 12 * 3]).toBe(50);
    expect(skipped).toEqual([]);
  });

  it('resizes to imageSize and converts to the requested channels', async () => {
    const { dataset: ds } = await readImageFolder(await goodTree(), { imageSize: [5, 5], channels: 1 });
    expect([ds.height, ds.width, ds.channels]).toEqual([5, 5, 1]);
    expect(ds.images.length).toBe(3 * 25);
    expect(ds.images[0]).toBe(99);
  });

  it('a truncated PNG is a DataError naming the file', async () => {
    const dir = await goodTree();
    const png = await pngBytes(8, 8, 3, (i) => i);
    writeTree(dir, { 'dog/c.png': png.subarray(0, png.length - 20) });
    await expect(readImageFolder(dir)).rejects.toThrow(DataError);
    await expect(readImageFolder(dir)).rejects.toThrow(join(dir, 'dog/c.png'));
  });

  it('a file that is not an image is a DataError naming it; onBadImage skip counts and lists both bad files', async () => {
    const dir = await goodTree();
    const png = await pngBytes(8, 8, 3, (i) => i);
    writeTree(dir, { 'cat/notes.txt': 'hello, not an image', 'dog/c.png': png.subarray(0, 40) });
    await expect(readImageFolder(dir)).rejects.toThrow(/cat\/notes\.txt: cannot decode image/);
    const { dataset, skipped } = await readImageFolder(dir, { onBadImage: 'skip' });
    expect(dataset.labels.length).toBe(3);
    expect(skipped.map((s) => s.file)).toEqual([join(dir, 'cat/notes.txt'), join(dir, 'dog/c.png')]);
    expect(skipped[0]?.reason).toMatch(/cannot decode/);
  });

  it('an empty class folder is a DataError naming the folder', async () => {
    const dir = await goodTree();
    writeTree(dir, { 'zebra/.keep': '' });
    const err = await readImageFolder(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).file).toBe(join(dir, 'zebra'));
  });

  it('a missing path is a DataError, through readDataset too', async () => {
    await expect(readImageFolder('/nonexistent/graft-images')).rejects.toThrow(DataError);
    await expect(readDataset('dir:///nonexistent/graft-images')).rejects.toThrow(/nonexistent\/graft-images/);
  });
});
