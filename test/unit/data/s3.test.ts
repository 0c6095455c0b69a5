import { MemoryStore } from '../../support/memory-store';
import { DataError } from '../../../lib/errors';
import { readDataset, readImagePrefix } from '../../../lib/data';
import { pngBytes } from './helpers';

async function store(): Promise<MemoryStore> {
  const s = new MemoryStore('graft');
  await s.put('data/flowers/tulip/2.png', await pngBytes(3, 3, 3, () => 20));
  await s.put('data/flowers/rose/1.png', await pngBytes(3, 3, 3, () => 10));
  await s.put('data/flowers/tulip/1.png', await pngBytes(3, 3, 3, () => 30));
  await s.put('data/flowers/README', 'objects right under the prefix belong to no class');
  await s.put('data/other/x/1.png', await pngBytes(3, 3, 3, () => 0));
  return s;
}

describe('readImagePrefix', () => {
  it('reads one class per sub-prefix, sorted, and names samples by s3 URL', async () => {
    const { dataset: ds } = await readImagePrefix(await store(), 'data/flowers');
    expect(ds.classNames).toEqual(['rose', 'tulip']);
    expect(Array.from(ds.labels)).toEqual([0, 1, 1]);
    expect(ds.sources).toEqual(['s3://graft/data/flowers/rose/1.png', 's3://graft/data/flowers/tulip/1.png', 's3://graft/data/flowers/tulip/2.png']);
    expect([ds.images[0], ds.images[27], ds.images[54]]).toEqual([10, 30, 20]);
  });

  it('a corrupt object is a DataError naming its URL, or skipped', async () => {
    const s = await store();
    await s.put('data/flowers/rose/bad.jpg', 'not a jpeg');
    await expect(readImagePrefix(s, 'data/flowers/')).rejects.toThrow('s3://graft/data/flowers/rose/bad.jpg');
    const { skipped } = await readImagePrefix(s, 'data/flowers/', { onBadImage: 'skip' });
    expect(skipped.map((x) => x.file)).toEqual(['s3://graft/data/flowers/rose/bad.jpg']);
  });

  it('an empty class (folder marker only) and a missing prefix are DataErrors', async () => {
    const s = await store();
    await s.put('data/flowers/daisy/', '');
    await expect(readImagePrefix(s, 'data/flowers')).rejects.toThrow(/daisy.*no images|no images.*daisy/);
    await expect(readImagePrefix(s, 'data/nothing')).rejects.toThrow(DataError);
  });

  it('readDataset dispatches s3:// and checks the bucket', async () => {
    const s = await store();
    const { dataset } = await readDataset('s3://graft/data/flowers', { classes: ['tulip'], imageSize: 2, channels: 1 }, s);
    expect(dataset.classNames).toEqual(['tulip']);
    expect([dataset.labels.length, dataset.height, dataset.width, dataset.channels]).toEqual([2, 2, 2, 1]);
    await expect(readDataset('s3://elsewhere/data/flowers', {}, s)).rejects.toThrow(/bucket "graft", not "elsewhere"/);
    await expect(readDataset('s3://graft/data/flowers')).rejects.toThrow(/needs an object store/);
  });
});
