import { CacheEntryLostError, DataError } from '../../../lib/errors';
import { StageCache, cacheKey, sha256Hex, type CacheMiss } from '../../../lib/store';
import { MemoryStore } from '../../support/memory-store';

const KEY = cacheKey({ stage: 'extract', config: { base: 'mobilenet' }, upstream: ['datasets/fp'], codeVersion: '1' });
const PREFIX = `cache/extract/${KEY}/`;
const fixedNow = (): Date => new Date('2025-01-02T03:04:05.000Z');

function setup(): { store: MemoryStore; cache: StageCache; misses: CacheMiss[] } {
  const store = new MemoryStore();
  const misses: CacheMiss[] = [];
  const cache = new StageCache(store, { onMiss: (m) => misses.push(m), now: fixedNow });
  return { store, cache, misses };
}

async function committed(): Promise<ReturnType<typeof setup>> {
  const s = setup();
  await s.cache.commit('extract', KEY, [
    { name: 'shard-00000.npy', data: Buffer.from([1, 2, 3]) },
    { name: 'labels/all.json', data: '[0,1,2]' },
  ], { count: 3 });
  return s;
}

/** Where a committed file's bytes are: under the writer's own folder in the entry. */
function objectKey(store: MemoryStore, name: string): string {
  const key = [...store.objects.keys()].find((k) => k.startsWith(PREFIX) && k.endsWith(`/${name}`) && /\/w-[0-9a-f]{12}\//.test(k));
  if (!key) throw new Error(`no object for ${name}`);
  return key;
}

describe('StageCache.commit', () => {
  it('writes data objects first and the manifest last', async () => {
    const { store } = await committed();
    expect(store.puts).toEqual([objectKey(store, 'shard-00000.npy'), objectKey(store, 'labels/all.json'), `${PREFIX}manifest.json`]);
  });

  it('writes a manifest with names, checksums, sizes and meta', async () => {
    const { store } = await committed();
    const manifest: unknown = JSON.parse(String(store.objects.get(`${PREFIX}manifest.json`)));
    expect(manifest).toEqual({
      version: 1,
      stage: 'extract',
      key: KEY,
      createdAt: '2025-01-02T03:04:05.000Z',
      files: [
        { name: 'shard-00000.npy', object: objectKey(store, 'shard-00000.npy').slice(PREFIX.length), sha256: sha256Hex(Buffer.from([1, 2, 3])), bytes: 3 },
        { name: 'labels/all.json', object: objectKey(store, 'labels/all.json').slice(PREFIX.length), sha256: sha256Hex('[0,1,2]'), bytes: 7 },
      ],
      meta: { count: 3 },
    });
  });

  it('adopts objects written by someone else, hashing them', async () => {
    const { store, cache } = setup();
    await store.put(`${PREFIX}model.json`, '{"m":1}');
    const manifest = await cache.commit('extract', KEY, [{ name: 'model.json' }]);
    expect(manifest.files).toEqual([{ name: 'model.json', sha256: sha256Hex('{"m":1}'), bytes: 7 }]);
    await expect(cache.commit('extract', KEY, [{ name: 'never-written.bin' }])).rejects.toThrow(/was not written/);
  });

  it('rejects file names that escape the entry or shadow the manifest', async () => {
    const { cache } = setup();
    for (const name of ['../other/x', '/abs', 'manifest.json', 'a//b', 'c\\d']) {
      await expect(cache.commit('extract', KEY, [{ name, data: 'x' }])).rejects.toBeInstanceOf(DataError);
    }
    expect(() => cache.prefix('../x', KEY)).toThrow(DataError);
    expect(() => cache.prefix('extract', 'a/b')).toThrow(DataError);
  });

  it('rejects meta that JSON cannot hold exactly', async () => {
    const { cache, store } = setup();
    await expect(cache.commit('extract', KEY, [], { loss: NaN })).rejects.toThrow(/NaN/);
    expect(store.objects.has(`${PREFIX}manifest.json`)).toBe(false);
  });
});

describe('StageCache.lookup', () => {
  it('returns the manifest of a complete, intact entry', async () => {
    const { cache, misses } = await committed();
    const manifest = await cache.lookup('extract', KEY);
    expect(manifest?.files.map((f) => f.name)).toEqual(['shard-00000.npy', 'labels/all.json']);
    expect(manifest?.meta).toEqual({ count: 3 });
    expect(misses).toEqual([]);
  });

  it('is a miss when nothing was committed (data without manifest included)', async () => {
    const { cache, store, misses } = setup();
    await store.put(`${PREFIX}shard-00000.npy`, 'half-written entry');
    expect(await cache.lookup('extract', KEY)).toBeUndefined();
    expect(misses).toEqual([expect.objectContaining({ reason: 'no-manifest', stage: 'extract', key: KEY })]);
  });

  it('is a miss when a listed object is gone', async () => {
    const { cache, store, misses } = await committed();
    store.objects.delete(objectKey(store, 'labels/all.json'));
    expect(await cache.lookup('extract', KEY)).toBeUndefined();
    expect(await cache.lookup('extract', KEY, { verify: 'presence' })).toBeUndefined();
    expect(misses.map((m) => [m.reason, m.file])).toEqual([
      ['missing-object', 'labels/all.json'],
      ['missing-object', 'labels/all.json'],
    ]);
  });

  it.each([
    ['flipped byte', (b: Buffer) => Buffer.from([b[0]! ^ 1, ...b.subarray(1)])],
    ['truncated', (b: Buffer) => b.subarray(0, 2)],
    ['same size, other bytes', () => Buffer.from([9, 9, 9])],
  ])('is a miss when an object is corrupt (%s)', async (_what, corrupt) => {
    const { cache, store, misses } = await committed();
    const k = objectKey(store, 'shard-00000.npy');
    store.objects.set(k, corrupt(store.objects.get(k)!));
    expect(await cache.lookup('extract', KEY)).toBeUndefined();
    expect(misses).toEqual([expect.objectContaining({ reason: 'corrupt-object', file: 'shard-00000.npy' })]);
  });

  it.each([
    ['not JSON', '{"version": 1, "sta'],
    ['not an object', '[1,2]'],
    ['wrong version', JSON.stringify({ version: 2, stage: 'extract', key: KEY, createdAt: '', files: [], meta: null })],
    ['another entry', JSON.stringify({ version: 1, stage: 'augment', key: KEY, createdAt: '', files: [], meta: null })],
    ['bad sha', JSON.stringify({ version: 1, stage: 'extract', key: KEY, createdAt: '', files: [{ name: 'a', sha256: 'x', bytes: 1 }], meta: null })],
    ['escaping name', JSON.stringify({ version: 1, stage: 'extract', key: KEY, createdAt: '', files: [{ name: '../../x', sha256: 'a'.repeat(64), bytes: 1 }], meta: null })],
    ['no meta', JSON.stringify({ version: 1, stage: 'extract', key: KEY, createdAt: '', files: [] })],
  ])('is a miss when the manifest is unusable (%s)', async (_what, text) => {
    const { cache, store, misses } = setup();
    await store.put(`${PREFIX}manifest.json`, text);
    expect(await cache.lookup('extract', KEY)).toBeUndefined();
    expect(misses).toEqual([expect.objectContaining({ reason: 'bad-manifest' })]);
  });

  it('lets a per-call onMiss replace the default one', async () => {
    const { cache, misses } = setup();
    const mine: CacheMiss[] = [];
    await cache.lookup('extract', KEY, { onMiss: (m) => mine.push(m) });
    expect(mine).toHaveLength(1);
    expect(misses).toHaveLength(0);
  });
});

describe('StageCache.read', () => {
  it('returns verified bytes', async () => {
    const { cache } = await committed();
    expect(String(await cache.read('extract', KEY, 'labels/all.json'))).toBe('[0,1,2]');
    const manifest = await cache.lookup('extract', KEY);
    expect([...(await cache.read('extract', KEY, 'shard-00000.npy', manifest))]).toEqual([1, 2, 3]);
  });

  it('refuses a name the manifest does not list', async () => {
    const { cache } = await committed();
    await expect(cache.read('extract', KEY, 'other.npy')).rejects.toBeInstanceOf(DataError);
  });

  it('never returns corrupt bytes: it drops the manifest and says the entry is lost', async () => {
    const { cache, store } = await committed();
    store.objects.set(objectKey(store, 'shard-00000.npy'), Buffer.from([3, 2, 1]));
    const err: unknown = await cache.read('extract', KEY, 'shard-00000.npy').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CacheEntryLostError);
    expect(err).toMatchObject({ type: 'CacheEntryLost', retryable: false, entry: PREFIX });
    expect(String(err)).toMatch(/corrupt/);
    expect(store.objects.has(`${PREFIX}manifest.json`)).toBe(false);
    expect(await cache.lookup('extract', KEY)).toBeUndefined();
  });

  it('a reader holding an old manifest does not drop the newer entry that replaced it', async () => {
    const { cache, store } = await committed();
    const old = (await cache.lookup('extract', KEY))!;
    const oldObject = objectKey(store, 'shard-00000.npy');
    await store.remove(`${PREFIX}manifest.json`); // the old entry was dropped and recomputed by another run
    await cache.commit('extract', KEY, [{ name: 'shard-00000.npy', data: Buffer.from([1, 2, 3]) }, { name: 'labels/all.json', data: '[0,1,2]' }], { count: 3 });
    await store.remove(oldObject);
    await expect(cache.read('extract', KEY, 'shard-00000.npy', old)).rejects.toBeInstanceOf(CacheEntryLostError);
    expect(await cache.lookup('extract', KEY)).toBeDefined();
  });

  it('says an entry that is not there is lost', async () => {
    const { cache } = setup();
    await expect(cache.read('extract', KEY, 'x')).rejects.toBeInstanceOf(CacheEntryLostError);
  });
});

describe('CacheWriter', () => {
  it('writes files one at a time, then commits them all', async () => {
    const { cache, store } = setup();
    const w = cache.writer('extract', KEY);
    for (let i = 0; i < 3; i++) {
      const entry = await w.put(`shard-${i}.npy`, Buffer.alloc(10, i));
      expect(entry).toEqual({ name: `shard-${i}.npy`, object: `${w.folder}/shard-${i}.npy`, sha256: sha256Hex(Buffer.alloc(10, i)), bytes: 10 });
      // Not visible to readers until the manifest is written.
      expect(await cache.lookup('extract', KEY, { onMiss: () => undefined })).toBeUndefined();
    }
    await w.commit({ shards: 3 });
    expect(store.puts.at(-1)).toBe(`${PREFIX}manifest.json`);
    expect((await cache.lookup('extract', KEY))?.files).toHaveLength(3);
  });

  it('two writers of one key never mix: the first commit wins and the second removes its objects', async () => {
    const { cache, store } = setup();
    const first = cache.writer('extract', KEY);
    const second = cache.writer('extract', KEY);
    await first.put('model.bin', 'weights of run A');
    await second.put('model.bin', 'weights of run B');
    const winner = await first.commit({ run: 'A' });
    const kept = await second.commit({ run: 'B' });
    expect(kept).toEqual(winner);
    expect((await cache.read('extract', KEY, 'model.bin')).toString()).toBe('weights of run A');
    expect([...store.objects.keys()].filter((k) => k.startsWith(`${PREFIX}${second.folder}/`))).toEqual([]);
  });

  it('replaces a manifest committed before it started (a corrupt entry being recomputed)', async () => {
    const { store } = await committed();
    const later = new StageCache(store, { now: () => new Date('2025-01-02T04:00:00.000Z') });
    const w = later.writer('extract', KEY);
    await w.put('shard-00000.npy', Buffer.from([7, 7, 7]));
    const manifest = await w.commit({ count: 1 });
    expect(manifest.meta).toEqual({ count: 1 });
    expect([...(await later.read('extract', KEY, 'shard-00000.npy'))]).toEqual([7, 7, 7]);
  });

  it('refuses duplicate names and writes after commit', async () => {
    const { cache } = setup();
    const w = cache.writer('extract', KEY);
    await w.put('a.npy', 'x');
    await expect(w.put('a.npy', 'y')).rejects.toThrow(/written twice/);
    await w.commit();
    await expect(w.put('b.npy', 'z')).rejects.toThrow(/already committed/);
    await expect(w.commit()).rejects.toThrow(/already committed/);
  });

  it('lets two writers of the same key both commit a valid entry', async () => {
    const { cache } = setup();
    const a = cache.writer('extract', KEY);
    const b = cache.writer('extract', KEY);
    await a.put('f.bin', 'same bytes');
    await b.put('f.bin', 'same bytes');
    await b.commit();
    await a.commit();
    expect(await cache.lookup('extract', KEY)).toBeDefined();
  });
});

describe('StageCache.invalidate', () => {
  it('removes the entry and nothing else', async () => {
    const { cache, store } = await committed();
    await store.put('cache/extract/other/manifest.json', '{}');
    await cache.invalidate('extract', KEY);
    expect(await store.list(PREFIX)).toEqual([]);
    expect(await store.exists('cache/extract/other/manifest.json')).toBe(true);
    expect(await cache.lookup('extract', KEY, { onMiss: () => undefined })).toBeUndefined();
  });
});
