// The durable pipeline on the real stack: Temporal, MinIO, native TF, real
// Fashion-MNIST. Each test reads the stage outcomes the workflow reports.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { io } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-node';
import type { PipelineSpec } from '../../pipelines/schema';
import { startRun, resumeRun, describeFailure, snapshotRun } from '../../runtime/runs';
import type { PipelineRunResult } from '../../workflows/progress';
import { readIdxDataset } from '../../lib/data/idx';
import { collectGarbage } from '../../lib/stages/gc';
import { currentShardFolders } from '../../lib/stages/promote';
import { loadPublishedModel } from '../../lib/models/predict';
import { escapeHtml } from '../../lib/report/html';
import { StageCache } from '../../lib/store/cache';
import { cacheObjectPath } from '../../lib/store/cache-manifest';
import type { MinioStore } from '../../lib/store/minio-store';
import type { ObjectStore } from '../../lib/store/object-store';
import { createWorkerActivities } from '../../runtime/worker-activities';
import { workersServing } from '../../runtime/fan-out';
import { renderRun } from '../../runtime/progress-view';
import { temporalConfigFromEnv } from '../../runtime/temporal';
import { createGraftWorkers } from '../../runtime/worker';
import type { TestStack } from './support/harness';
import { openTestStack, smallPipeline, startInProcessWorker, startWorkerProcess, tempDir, sleep } from './support/harness';

let stack: TestStack;
let worker: Awaited<ReturnType<typeof startInProcessWorker>>;

beforeAll(async () => {
  stack = await openTestStack('pipeline');
  worker = await startInProcessWorker(stack);
});

afterAll(async () => {
  worker.workers.shutdown();
  await worker.done;
  await stack.close();
});

async function run(spec: PipelineSpec, options: { noCache?: boolean } = {}): Promise<PipelineRunResult> {
  const handle = await startRun(stack.client, spec, options);
  return handle.result();
}

/** `store`, except that the second read of the first object matching `pattern` to be read twice returns damaged bytes. */
function damageSecondRead(store: MinioStore, pattern: RegExp): { store: ObjectStore; damaged: () => string | undefined } {
  const reads = new Set<string>();
  let damaged: string | undefined;
  const get = async (key: string): Promise<Buffer | undefined> => {
    const data = await store.get(key);
    if (damaged !== undefined || data === undefined || !pattern.test(key)) return data;
    if (!reads.has(key)) {
      reads.add(key);
      return data;
    }
    damaged = key;
    const bytes = Buffer.from(data);
    bytes[bytes.length - 1] ^= 0xff;
    return bytes;
  };
  return { store: Object.assign(Object.create(store) as MinioStore, { get }), damaged: () => damaged };
}

const outcomes = (result: PipelineRunResult) => Object.fromEntries(result.stages.map((s) => [s.stage, s.outcome]));

describe('transfer pipeline with fine-tuning', () => {
  let first: PipelineRunResult;
  const spec = () => smallPipeline(stack, { fineTune: { topLayers: 4, epochs: 1, learningRate: 0.0001 } });

  test('an end-to-end run computes every stage and publishes a model with its report', async () => {
    first = await run(spec());
    expect(first.status).toBe('completed');
    expect(outcomes(first)).toEqual(Object.fromEntries(first.stages.map((s) => [s.stage, 'computed'])));
    expect(first.stages.map((s) => s.stage)).toEqual(['ingest', 'augment', 'base', 'extract', 'train-head', 'fine-tune', 'evaluate', 'publish']);
    expect(first.evaluations.map((e) => e.model)).toEqual(['transfer', 'fine-tune']);
    const evaluation = first.evaluations[1]!.evaluation;
    expect(evaluation.confusion.flat().reduce((a, b) => a + b, 0)).toBe(evaluation.count);
    const published = first.published!;
    const prefix = published.modelUri.replace(`s3://${stack.bucket}/`, '').replace(/model\.json$/, '');
    for (const file of ['model.json', 'weights.bin', 'lineage.json', 'labels.json', 'report.html']) {
      expect(await stack.store.exists(prefix + file)).toBe(true);
    }
    const lineage = JSON.parse((await stack.store.get(`${prefix}lineage.json`))!.toString());
    expect(lineage.dataFingerprint).toBe(first.fingerprint);
    expect(lineage.stages).toEqual(['transfer', 'fine-tune']);
    expect((await stack.store.get(published.reportKey))!.toString()).toContain('<svg');
  });

  test('a second run takes every stage from the cache, publish included, in one activity', async () => {
    const handle = await startRun(stack.client, spec());
    const second = await handle.result();
    const o = outcomes(second);
    for (const stage of ['ingest', 'augment', 'base', 'extract', 'train-head', 'fine-tune', 'evaluate', 'publish']) expect(o[stage]).toBe('cached');
    expect(second.evaluations).toEqual(first.evaluations);
    // The same published version, not a new one: nothing changed.
    expect(second.published!.version).toBe(first.published!.version);
    const history = await handle.fetchHistory();
    const activities = (history.events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType?.name] : []));
    expect(activities).toEqual(['lookupPlan']);
  });

  test('--no-cache recomputes every stage', async () => {
    const again = await run(spec(), { noCache: true });
    expect(Object.values(outcomes(again)).every((o) => o === 'computed')).toBe(true);
  });

  test('with the fan-out graft run gives it (one worker: one activity per shard stage), shards cached one by one are reused, and recomputed in one activity each', async () => {
    const fanOut = await workersServing(stack.client, stack.queues);
    expect(fanOut).toEqual({ cpu: 1, gpu: 1 });
    const scheduled = async (handle: Awaited<ReturnType<typeof startRun>>) => ((await handle.fetchHistory()).events ?? [])
      .flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType?.name] : []));
    // The earlier runs cached every shard on its own: grouping them differently finds them all.
    const reused = await startRun(stack.client, spec(), { fanOut: fanOut! });
    expect(Object.values(outcomes(await reused.result())).every((o) => o === 'cached')).toBe(true);
    expect(await scheduled(reused)).toEqual(['lookupPlan']);

    const handle = await startRun(stack.client, spec(), { fanOut: fanOut!, noCache: true });
    const grouped = await handle.result();
    expect(Object.values(outcomes(grouped)).every((o) => o === 'computed')).toBe(true);
    const activities = await scheduled(handle);
    expect(activities.filter((a) => a === 'augmentShards')).toHaveLength(1);
    expect(activities.filter((a) => a === 'extractShards')).toHaveLength(1);
    // The report still counts shards, the same as a run of one activity per shard.
    const shards = (result: PipelineRunResult) => result.stages.find((s) => s.stage === 'extract')!.shards;
    expect(shards(grouped)).toBe(shards(first));
    expect(shards(grouped)).toBeGreaterThan(1);
  });

  test('a changed augment setting recomputes augment and what depends on it, nothing before', async () => {
    const changed = smallPipeline(stack, {
      fineTune: { topLayers: 4, epochs: 1, learningRate: 0.0001 },
      augment: { rotationRange: 25, widthShiftRange: 0.1, copies: 1, seed: 5 },
    });
    const result = await run(changed);
    const o = outcomes(result);
    expect(o.ingest).toBe('cached');
    expect(o.base).toBe('cached');
    expect(o.augment).toBe('computed');
    // The original shards' features are reused; only the augmented shard's are new.
    expect(o.extract).toBe('computed');
    expect(result.stages.find((s) => s.stage === 'extract')!.shards).toBeGreaterThan(1);
    expect(o['train-head']).toBe('computed');
    expect(o['fine-tune']).toBe('computed');
  });

  test('a corrupted cached object is detected and recomputed, and nothing downstream changes', async () => {
    // Flip a byte of the images of every committed augment entry (objects
    // that no manifest names any more, left by --no-cache, would prove nothing).
    const cache = new StageCache(stack.store);
    const entries = (await stack.store.list('cache/augment/')).filter((k) => k.endsWith('/manifest.json')).map((k) => k.split('/')[2]!);
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      const manifest = (await cache.lookup('augment', entry))!;
      const target = cache.prefix('augment', entry) + cacheObjectPath(manifest.files.find((f) => f.name.endsWith('.x.npy'))!);
      const bytes = (await stack.store.get(target))!;
      bytes[bytes.length - 1] ^= 0xff;
      await stack.store.put(target, bytes);
      expect(await cache.lookup('augment', entry, { onMiss: () => undefined })).toBeUndefined();
    }
    const result = await run(spec());
    const o = outcomes(result);
    expect(o.augment).toBe('computed');
    // Augmentation is deterministic, so the recomputed shard is the same and later stages hit.
    expect(o['train-head']).toBe('cached');
    // The run's entry verifies again: its manifest now names intact objects.
    const verified = await Promise.all(entries.map((entry) => cache.lookup('augment', entry, { onMiss: () => undefined })));
    expect(verified.some((m) => m !== undefined)).toBe(true);
  });

  test('features found damaged when the head reads them are recomputed in a second pass, and the run completes', async () => {
    // A worker of its own on queues of its own, whose store damages the second read of one
    // cached feature shard: the first is extract's checksum lookup, the second train-head's read.
    const queues = { cpu: `${stack.queues.cpu}-lost`, gpu: `${stack.queues.gpu}-lost` };
    const damaging = damageSecondRead(stack.store, /^cache\/extract\/.+\.x\.npy$/);
    const lossy = await createGraftWorkers({ temporal: temporalConfigFromEnv(), queues, serve: ['cpu', 'gpu'], activities: createWorkerActivities({ store: damaging.store }) });
    const running = lossy.run();
    const earlierCheckpoints = new Set(await stack.store.list('checkpoints/train-head/'));
    try {
      // A new train setting: the head trains again; extract is cached from the runs above.
      const handle = await startRun(stack.client, smallPipeline(stack, { queues, train: { epochs: 2, batchSize: 16 } }));
      const result = await handle.result();
      expect(damaging.damaged()).toMatch(/^cache\/extract\//);
      expect(result.status).toBe('completed');
      const o = outcomes(result);
      expect(o.extract).toBe('computed'); // pass 2 recomputed the shard train-head could not read
      expect(result.stages.find((s) => s.stage === 'extract')!.shards).toBeGreaterThan(1);
      expect(o['train-head']).toBe('computed');
      const snapshot = await snapshotRun(stack.client, handle.workflowId);
      expect(snapshot.progress?.note).toBe('pass 2: recomputing a lost cache entry');
      // With the model committed, its checkpoints are gone.
      expect((await stack.store.list('checkpoints/train-head/')).filter((k) => !earlierCheckpoints.has(k))).toEqual([]);
    } finally {
      lossy.shutdown();
      await running;
    }
  });

  test('gc removes the folders of replaced cache entries and nothing a run needs', async () => {
    const before = (await stack.store.listInfo('cache/')).length;
    const summary = await collectGarbage(stack.store, { olderThanMs: 0 });
    // The damaged augment and extract entries above were replaced: their old folders are garbage.
    expect(summary.byKind['unreferenced cache object']).toBeGreaterThan(0);
    expect((await stack.store.listInfo('cache/')).length).toBe(before - summary.byKind['unreferenced cache object']);
    // What is left under current/ is what current/model.json points at, and it loads.
    const modelJson = JSON.parse((await stack.store.get('models/itest/current/model.json'))!.toString()) as io.ModelJSON;
    const folders = (await stack.store.list('models/itest/current/')).map((k) => k.split('/')).filter((p) => p.length === 5).map((p) => p[3]);
    expect(new Set(folders)).toEqual(currentShardFolders(modelJson));
    const current = await loadPublishedModel(`s3://${stack.bucket}/models/itest/current/model.json`, stack.store);
    current.model.dispose();
    const again = await run(spec());
    expect(Object.entries(outcomes(again)).filter(([stage]) => stage !== 'publish').every(([, o]) => o === 'cached')).toBe(true);
  });
});

test('another label budget trains on its own labels and reuses the features of the same validation and test images', async () => {
  const budget = (trainPerClass: number) => smallPipeline(stack, {
    name: 'itest-budget',
    dataset: {
      source: 'idx:///usr/share/datasets/fashion-mnist', classes: [0, 1, 7], limitPerClass: 60,
      split: { validation: 0.2, test: 0.2, seed: 3, trainPerClass }, imageSize: 28, channels: 1,
    },
    augment: { copies: 0 },
  });
  const extractEntries = async () => new Set((await stack.store.list('cache/extract/')).filter((k) => k.endsWith('/manifest.json')));
  const twenty = await run(budget(20));
  const before = await extractEntries();
  const ten = await run(budget(10));
  const added = [...(await extractEntries())].filter((k) => !before.has(k));
  // One new train shard of 3 × 10 images; the validation and test shards' features come from the first run.
  expect(added).toHaveLength(1);
  expect(ten.evaluations[0]!.evaluation.count).toBe(twenty.evaluations[0]!.evaluation.count);
  expect(ten.fingerprint).toBe(twenty.fingerprint);
});

/** A `dir://` dataset of 30 + 30 Fashion-MNIST PNGs in two class folders, and a truncated PNG among the first class's. */
async function folderWithBrokenPng(label: string): Promise<{ dir: string; bad: string; good: Buffer }> {
  const dir = tempDir(label);
  const fm = readIdxDataset('/usr/share/datasets/fashion-mnist');
  const perClass = new Map<number, number>();
  for (let i = 0; i < 400 && [...perClass.values()].reduce((a, b) => a + b, 0) < 60; i++) {
    const label = fm.labels[i]!;
    if (label > 1) continue;
    const count = perClass.get(label) ?? 0;
    if (count >= 30) continue;
    perClass.set(label, count + 1);
    const folder = path.join(dir, fm.classNames[label]!);
    fs.mkdirSync(folder, { recursive: true });
    const pixels = tf.tensor3d(fm.images.subarray(i * 784, (i + 1) * 784), [28, 28, 1], 'int32');
    fs.writeFileSync(path.join(folder, `${i}.png`), await tf.node.encodePng(pixels));
    pixels.dispose();
  }
  const bad = path.join(dir, fm.classNames[0]!, 'broken.png');
  const good = fs.readFileSync(path.join(dir, fm.classNames[0]!, fs.readdirSync(path.join(dir, fm.classNames[0]!))[0]!));
  fs.writeFileSync(bad, good.subarray(0, 40)); // a truncated PNG
  return { dir, bad, good };
}

test('resume after a non-retryable failure, once the bad image is fixed, completes the same run', async () => {
  const { dir, bad, good } = await folderWithBrokenPng('resume');
  const spec = smallPipeline(stack, {
    name: 'itest-resume',
    dataset: { source: `dir://${dir}`, split: { validation: 0.2, test: 0.2, seed: 1 }, imageSize: 28, channels: 1, onBadImage: 'fail' },
  });
  const handle = await startRun(stack.client, spec);
  const failure = await handle.result().then(() => undefined, (err: unknown) => describeFailure(err));
  expect(failure).toMatch(/DataError/);
  expect(failure).toContain('broken.png');
  const history = await handle.fetchHistory();
  const attempts = history.events!.filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.attempt ?? 1);
  expect(Math.max(...attempts)).toBe(1); // non-retryable: no retry storm

  fs.writeFileSync(bad, good);
  const resumed = await resumeRun(stack.client, handle.workflowId);
  expect(resumed.workflowId).toBe(handle.workflowId);
  const result = await resumed.result();
  expect(result.status).toBe('completed');
});

test('with onBadImage: skip the run completes, and its result, status and report name the skipped file and why', async () => {
  const { dir, bad } = await folderWithBrokenPng('skip');
  const spec = smallPipeline(stack, {
    name: 'itest-skip',
    dataset: { source: `dir://${dir}`, split: { validation: 0.2, test: 0.2, seed: 1 }, imageSize: 28, channels: 1, onBadImage: 'skip' },
  });
  const handle = await startRun(stack.client, spec);
  const result = await handle.result();
  expect(result.status).toBe('completed');
  expect(result.skippedImages?.count).toBe(1);
  expect(result.skippedImages?.first).toEqual([expect.stringMatching(new RegExp(`^${bad}: cannot decode image`))]);
  // What `graft status` and `graft run --wait` print.
  const lines = renderRun(await snapshotRun(stack.client, handle.workflowId));
  expect(lines).toContain('  skipped 1 unreadable image(s) (onBadImage: skip):');
  expect(lines).toContain(`    ${result.skippedImages!.first[0]}`);
  const report = (await stack.store.get(result.published!.reportKey))!.toString();
  expect(report).toContain('<p id="skipped-images" data-count="1">');
  expect(report).toContain(escapeHtml(result.skippedImages!.first[0]!));
});

test('a worker killed mid-training is replaced and training resumes from its last checkpoint', async () => {
  worker.workers.shutdown(); // this test's work must go to the child processes
  await worker.done;
  const log = path.join(tempDir('kill'), 'worker.log');
  const spec = smallPipeline(stack, {
    name: 'itest-kill',
    mode: 'retrain',
    base: { architecture: 'small-cnn' },
    dataset: { source: 'idx:///usr/share/datasets/fashion-mnist', classes: [0, 1], limitPerClass: 300, split: { validation: 0.1, test: 0.1, seed: 2 }, imageSize: 28, channels: 1 },
    augment: { copies: 0 },
    train: { epochs: 6, batchSize: 32 },
  });
  let child = startWorkerProcess(stack, log);
  try {
    const handle = await startRun(stack.client, spec, { heartbeatSeconds: 5 });
    // Wait for the first epoch checkpoint, then kill the worker without warning.
    const deadline = Date.now() + 180_000;
    let checkpoint: string | undefined;
    while (!checkpoint && Date.now() < deadline) {
      checkpoint = (await stack.store.list('checkpoints/train/')).find((k) => k.endsWith('latest.json'));
      if (!checkpoint) await sleep(200);
    }
    expect(checkpoint).toBeDefined();
    child.kill('SIGKILL');
    const killedAt = JSON.parse((await stack.store.get(checkpoint!))!.toString()).epoch as number;
    expect(killedAt).toBeLessThan(6);
    child = startWorkerProcess(stack, log);
    const result = await handle.result();
    const train = result.stages.find((s) => s.stage === 'train')!;
    expect(train.outcome).toBe('resumed');
    const logText = fs.readFileSync(log, 'utf8');
    const resumedFrom = Number(/train: resumed from the checkpoint of epoch (\d+)/.exec(logText)?.[1]);
    // At most the epoch in flight was lost.
    expect(resumedFrom).toBeGreaterThanOrEqual(killedAt);
    expect(result.status).toBe('completed');
  } finally {
    child.kill('SIGKILL');
  }
});
