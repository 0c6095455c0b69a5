// graft gc: what is garbage (objects no manifest names, checkpoints of cached
// models), what is not (anything a lookup or a resume needs, recent writes).
import { collectGarbage } from '../../../lib/stages/gc';
import { StageCache } from '../../../lib/store/cache';
import { MemoryStore } from '../../support/memory-store';

const HOUR = 3600_000;
const KEY = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);

function setup() {
  let now = new Date('2026-11-29T12:00:00Z');
  const store = new MemoryStore('graft', () => now);
  const later = (ms: number) => { now = new Date(now.getTime() + ms); };
  return { store, cache: new StageCache(store), later, now: () => now };
}

describe('collectGarbage', () => {
  it('removes the folder of a replaced entry and keeps what the manifest names', async () => {
    const { store, cache, later, now } = setup();
    await cache.commit('extract', KEY, [{ name: 'features.x.npy', data: 'old' }]);
    const first = (await store.list(`cache/extract/${KEY}/`)).find((k) => k.endsWith('features.x.npy'))!;
    await store.remove(`cache/extract/${KEY}/manifest.json`); // what a read of a damaged object does
    await cache.commit('extract', KEY, [{ name: 'features.x.npy', data: 'new' }]);
    later(25 * HOUR);
    const summary = await collectGarbage(store, { olderThanMs: 24 * HOUR, now: now() });
    expect(summary).toMatchObject({ removed: 1, bytes: 3, dryRun: false, byKind: { 'unreferenced cache object': 1 } });
    expect(await store.exists(first)).toBe(false);
    expect((await cache.lookup('extract', KEY))!.files.map((f) => f.name)).toEqual(['features.x.npy']);
  });

  it('spares objects younger than the grace period: a writer may still be at work', async () => {
    const { store, cache, later, now } = setup();
    const writer = cache.writer('augment', KEY);
    await writer.put('augmented.x.npy', 'in progress');
    later(2 * HOUR);
    expect((await collectGarbage(store, { olderThanMs: 24 * HOUR, now: now() })).removed).toBe(0);
    later(23 * HOUR);
    expect((await collectGarbage(store, { olderThanMs: 24 * HOUR, now: now() })).removed).toBe(1);
  });

  it('removes checkpoints of a model that is cached, and keeps those a resume needs', async () => {
    const { store, cache, later, now } = setup();
    await store.put(`checkpoints/train-head/${KEY}/latest.json`, '{}');
    await store.put(`checkpoints/train-head/${OTHER}/latest.json`, '{}');
    await cache.commit('train-head', KEY, [{ name: 'model.json', data: '{}' }]);
    later(25 * HOUR);
    const summary = await collectGarbage(store, { olderThanMs: 24 * HOUR, now: now() });
    expect(summary.byKind).toEqual({ 'unreferenced cache object': 0, 'checkpoint of a cached model': 1, 'superseded current-model shard': 0 });
    expect(await store.exists(`checkpoints/train-head/${KEY}/latest.json`)).toBe(false);
    expect(await store.exists(`checkpoints/train-head/${OTHER}/latest.json`)).toBe(true);
  });

  it('--dry-run counts and removes nothing; a garbled manifest is kept (lookup reports it)', async () => {
    const { store, later, now } = setup();
    await store.put(`cache/extract/${KEY}/manifest.json`, 'not json');
    await store.put(`cache/extract/${KEY}/w-1/features.x.npy`, 'x');
    later(25 * HOUR);
    const summary = await collectGarbage(store, { olderThanMs: 24 * HOUR, now: now(), dryRun: true });
    expect(summary).toMatchObject({ removed: 1, dryRun: true });
    expect(await store.list('cache/')).toHaveLength(2);
    await collectGarbage(store, { olderThanMs: 24 * HOUR, now: now() });
    expect(await store.list('cache/')).toEqual([`cache/extract/${KEY}/manifest.json`]);
  });
});
