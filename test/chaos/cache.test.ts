// Damage in the shared cache, and two runs writing it at once. A damaged
// entry must be detected (checksum or manifest) and recomputed, never used;
// concurrent writers must leave every manifest verifying.
import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { startRun } from '../../runtime/runs';
import { CACHE_MANIFEST_NAME } from '../../lib/store/cache-manifest';
import type { TestStack } from '../integration/support/harness';
import { openTestStack, smallPipeline, startInProcessWorker, tempDir } from '../integration/support/harness';
import { committed, exited, outcomes, recordFault, spawnWorker, unverifiedEntries } from './support/chaos';

describe('a damaged cache entry is detected and recomputed', () => {
  let stack: TestStack;
  let worker: Awaited<ReturnType<typeof startInProcessWorker>>;
  beforeAll(async () => {
    stack = await openTestStack('chaos-cache');
    worker = await startInProcessWorker(stack);
  });
  afterAll(async () => {
    worker.workers.shutdown();
    await worker.done;
    await stack.close();
  });

  test('a corrupted, a truncated and a deleted object and a garbled manifest each make their stage recompute', async () => {
    const spec = smallPipeline(stack, { name: 'chaos-cache' });
    const first = await (await startRun(stack.client, spec)).result();
    expect(first.status).toBe('completed');

    const objectOf = async (stage: string, suffix: string) => {
      const [manifest] = await committed(stack.store, stage);
      const prefix = manifest!.slice(0, -CACHE_MANIFEST_NAME.length);
      return (await stack.store.list(prefix)).find((k) => k.endsWith(suffix))!;
    };
    const damage = {
      corrupt: await objectOf('augment', '.x.npy'),
      truncate: await objectOf('extract', '.x.npy'),
      remove: await objectOf('train-head', 'weights.bin'),
      manifest: (await committed(stack.store, 'ingest'))[0]!,
    };
    const corrupt = (await stack.store.get(damage.corrupt))!;
    corrupt[corrupt.length - 1] ^= 0xff;
    await stack.store.put(damage.corrupt, corrupt);
    const truncated = (await stack.store.get(damage.truncate))!;
    await stack.store.put(damage.truncate, truncated.subarray(0, truncated.length >> 1));
    await stack.store.remove(damage.remove);
    await stack.store.put(damage.manifest, '{"version": 1, "stage": "ingest", "files": [');

    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      lines.push(String(chunk));
      return (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
    });
    let second;
    try {
      second = await (await startRun(stack.client, spec)).result();
    } finally {
      spy.mockRestore();
    }
    const o = outcomes(second);
    const log = lines.join('');
    const verify = await unverifiedEntries(stack.store);
    const cases = [
      { id: 'corrupt-object', what: 'one byte of a cached augment shard flipped', stage: 'augment', detected: /augment \w+: cached entry unusable \([^)]*sha256 does not match/ },
      { id: 'truncated-object', what: 'a cached extract shard cut to half its length', stage: 'extract', detected: /extract \w+: cached entry unusable \([^)]*bytes, manifest says/ },
      { id: 'deleted-object', what: 'the weights of the cached trained head deleted', stage: 'train-head', detected: /train-head \w+: cached entry unusable \(weights\.bin is missing\)/ },
      { id: 'garbled-manifest', what: 'the ingest manifest replaced by truncated JSON', stage: 'ingest', detected: /ingest \w+: cached entry unusable \(manifest is not valid JSON\)/ },
    ];
    for (const c of cases) {
      recordFault({
        id: c.id, group: 'cache', fault: c.what, survived: second.status === 'completed' && o[c.stage] !== 'cached' && c.detected.test(log),
        redone: `stage ${c.stage} recomputed (${o[c.stage]})`, dataLost: verify.bad.length,
        detail: `${c.detected.test(log) ? `detected: "${c.detected.exec(log)![0]}…"` : 'NOT detected in the worker log'}; every one of ${verify.total} entries verifies afterwards`,
      });
    }
    expect(second.status).toBe('completed');
    for (const c of cases) {
      expect(log).toMatch(c.detected);
      // Recomputed; training may take its final checkpoint (`resumed`) instead of fitting again.
      expect(['computed', 'resumed']).toContain(o[c.stage]);
    }
    expect(verify.bad).toEqual([]);
    // The recomputed entries name fresh objects (each writer has its own
    // folder); the damaged ones are no longer referenced by any manifest.
    expect(verify.referenced).not.toContain(damage.remove);
    expect(verify.referenced).not.toContain(damage.truncate);
  });
});

test('two runs of the same pipeline at the same time both complete and leave every manifest verifying', async () => {
  const stack = await openTestStack('chaos-twin');
  const dir = tempDir('chaos-twin');
  // Two worker processes, so the two runs' activities really run at the same time.
  const children: ChildProcess[] = [1, 2].map((i) => spawnWorker(stack.env, stack.queues, path.join(dir, `worker-${i}.log`)));
  try {
    const spec = smallPipeline(stack, { name: 'chaos-twin' });
    const [a, b] = await Promise.all([startRun(stack.client, spec), startRun(stack.client, spec)]);
    const [ra, rb] = await Promise.all([a.result(), b.result()]);
    const verify = await unverifiedEntries(stack.store);
    const computedTwice = ra.stages.filter((s) => s.outcome === 'computed' && rb.stages.find((t) => t.stage === s.stage)?.outcome === 'computed').map((s) => s.stage);
    recordFault({
      id: 'two-runs-at-once', group: 'concurrency', fault: 'two runs of the same pipeline started at the same moment on two workers, sharing one cache',
      survived: ra.status === 'completed' && rb.status === 'completed',
      redone: `stages computed by both runs: ${computedTwice.filter((s) => s !== 'publish').join(', ') || 'none'}`,
      dataLost: verify.bad.length,
      detail: `${verify.total} cache entries, ${verify.bad.length} fail verification${verify.bad.length ? `: ${verify.bad.join('; ')}` : ''}; test accuracy ${ra.evaluations[0]!.evaluation.testAccuracy.toFixed(3)} / ${rb.evaluations[0]!.evaluation.testAccuracy.toFixed(3)}`,
    });
    expect(ra.status).toBe('completed');
    expect(rb.status).toBe('completed');
    expect(verify.total).toBeGreaterThan(0);
    expect(verify.bad).toEqual([]);
  } finally {
    for (const child of children) {
      child.kill('SIGKILL');
      await exited(child);
    }
    await stack.close();
  }
});
