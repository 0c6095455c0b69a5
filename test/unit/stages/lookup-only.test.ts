import { LookupOnlyCache, WriteRefused } from '../../../lib/stages/lookup-only';
import { runCachedStage } from '../../../lib/stages/run-stage';
import { StageCache } from '../../../lib/store/cache';
import { MemoryStore } from '../../support/memory-store';

test('over a lookup-only cache a stage returns its verified hit, and refuses before computing on a miss or a damaged entry', async () => {
  const store = new MemoryStore();
  const computed: string[] = [];
  const stage = (cache: StageCache, key: string) => runCachedStage<{ n: number }>({
    cache, stage: 'extract', key, noCache: false,
    compute: async (writer) => {
      computed.push(key);
      await writer.put('x.bin', Buffer.from([1, 2, 3]));
      return { meta: { n: 3 } };
    },
  });
  await stage(new StageCache(store), 'k1');
  expect(computed).toEqual(['k1']);

  const lookup = new LookupOnlyCache(store);
  await expect(stage(lookup, 'k1')).resolves.toMatchObject({ outcome: 'cached', meta: { n: 3 } });
  await expect(stage(lookup, 'k2')).rejects.toBeInstanceOf(WriteRefused);
  // A damaged object is a miss like any other: refused, not returned.
  const object = (await store.list('cache/extract/k1/')).find((k) => !k.endsWith('manifest.json'))!;
  await store.put(object, Buffer.from([9, 9, 9]));
  await expect(stage(lookup, 'k1')).rejects.toBeInstanceOf(WriteRefused);
  expect(computed).toEqual(['k1']);
  expect(await store.list('cache/extract/k2/')).toEqual([]);
});
