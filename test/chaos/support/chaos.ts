/**
 * Shared pieces of the chaos suite: fault records (one JSON file per fault
 * under test/chaos/results/, rendered into RELIABILITY.md by
 * render-reliability.js), private servers for the faults that stop them,
 * and readers of what a run did (activity attempts, manifests, worker logs).
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { StackConfig } from '../../../infra/stack';
import { stackConfigFromEnv, startStack, stackAddresses } from '../../../infra/stack';
import { stopProcessGroup } from '../../../infra/stack/processes';
import { buildBase } from '../../../lib/models/build-base';
import { saveModelToUri } from '../../../lib/models/io/load-save';
import { StageCache } from '../../../lib/store/cache';
import { CACHE_MANIFEST_NAME, cacheObjectPath } from '../../../lib/store/cache-manifest';
import type { ObjectStore } from '../../../lib/store/object-store';
import type { PipelineInput, PipelineSpec } from '../../../pipelines/schema';
import { definePipeline } from '../../../pipelines/define';
import type { PipelineRunResult } from '../../../workflows/progress';
import { REPO_ROOT, tempDir } from '../../integration/support/harness';
import { freePort } from '../../integration/support/ports';

export { freePort };

/** Where fault records go; CI points it elsewhere so that a test run leaves the tracked records alone. */
export const RESULTS_DIR = process.env.GRAFT_CHAOS_RESULTS ?? path.join(__dirname, '..', 'results');

/** One injected fault and what it did to the run, as RELIABILITY.md shows it. */
export interface FaultRecord {
  /** Stable id: the results file's name. */
  readonly id: string;
  readonly group: 'process' | 'server' | 'cache' | 'concurrency' | 'bad-input' | 'security';
  readonly fault: string;
  /** The run completed (faults) or the input was rejected as it should be (bad input). */
  readonly survived: boolean;
  /** Work done twice because of the fault, in words ("1 shard", "0 epochs"). */
  readonly redone: string;
  /** Committed results that were lost or damaged and not detected: must be 0. */
  readonly dataLost: number;
  readonly detail: string;
}

export function recordFault(record: FaultRecord): void {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${record.group}--${record.id}.json`);
  fs.writeFileSync(file, `${JSON.stringify({ ...record, recordedAt: new Date().toISOString() }, null, 2)}\n`);
}

/** A base model saved once to a folder, so every bucket's runs start from the same weights. */
export async function savedBase(): Promise<string> {
  const dir = path.join(tempDir('chaos-base'), 'small-cnn');
  const model = await buildBase({ architecture: 'small-cnn', inputShape: [28, 28, 1], alpha: 1, cutAt: null, uri: null });
  await saveModelToUri(model, `file://${dir}`);
  model.dispose();
  return `file://${dir}/model.json`;
}

/** A small transfer pipeline on Fashion-MNIST whose base is `baseUri`. */
export function chaosPipeline(queues: { cpu: string; gpu: string }, baseUri: string, overrides: Partial<PipelineInput> = {}): PipelineSpec {
  return definePipeline({
    name: 'chaos',
    dataset: {
      source: 'idx:///usr/share/datasets/fashion-mnist',
      classes: [0, 1, 7],
      limitPerClass: 200,
      split: { validation: 0.2, test: 0.2, seed: 3 },
      imageSize: 28,
      channels: 1,
    },
    augment: { rotationRange: 10, widthShiftRange: 0.1, copies: 1, seed: 5 },
    base: { uri: baseUri, inputShape: [28, 28, 1] },
    mode: 'transfer',
    head: { strategy: 'replace' },
    train: { epochs: 4, batchSize: 16 },
    queues,
    ...overrides,
  } as PipelineInput);
}

export const outcomes = (result: PipelineRunResult): Record<string, string> =>
  Object.fromEntries(result.stages.map((s) => [s.stage, s.outcome]));

export const accuracyOf = (result: PipelineRunResult): number => result.evaluations[result.evaluations.length - 1]!.evaluation.testAccuracy;

/** One activity of a run, from its history: type, the attempt it ended on, and its result's `outcome`. */
export interface ActivityRecord {
  readonly type: string;
  readonly attempt: number;
  /** `computed`, `cached` or `resumed` for a stage activity that completed. */
  readonly outcome?: string;
}

export async function activityAttempts(handle: WorkflowHandle): Promise<ActivityRecord[]> {
  const history = await handle.fetchHistory();
  const byScheduled = new Map<string, { type: string; attempt: number; outcome?: string }>();
  for (const event of history.events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) byScheduled.set(String(event.eventId), { type: scheduled.activityType?.name ?? '?', attempt: 1 });
    const started = event.activityTaskStartedEventAttributes;
    const entry = started ? byScheduled.get(String(started.scheduledEventId)) : undefined;
    if (started && entry) entry.attempt = started.attempt ?? 1;
    const completed = event.activityTaskCompletedEventAttributes;
    const done = completed ? byScheduled.get(String(completed.scheduledEventId)) : undefined;
    const data = completed?.result?.payloads?.[0]?.data;
    if (done && data) done.outcome = (JSON.parse(Buffer.from(data).toString('utf8')) as { outcome?: string }).outcome;
  }
  return [...byScheduled.values()];
}

/** Activities of `type` that needed a second attempt, and those whose later attempt computed again (work redone). */
export function retries(records: readonly ActivityRecord[], type: string): { total: number; retried: number; recomputed: number } {
  const of = records.filter((r) => r.type === type);
  const retried = of.filter((r) => r.attempt > 1);
  return { total: of.length, retried: retried.length, recomputed: retried.filter((r) => r.outcome !== 'cached').length };
}

/** Every committed manifest under cache/ must verify (checksums of every object). Returns the ones that do not. */
/** Every committed cache entry checked against its checksums, and the objects the manifests reference. */
export async function unverifiedEntries(store: ObjectStore): Promise<{ total: number; bad: string[]; referenced: string[] }> {
  const cache = new StageCache(store);
  const manifests = (await store.list('cache/')).filter((k) => k.endsWith(`/${CACHE_MANIFEST_NAME}`));
  const bad: string[] = [];
  const referenced: string[] = [];
  for (const key of manifests) {
    const [, stage, entry] = key.split('/');
    const problems: string[] = [];
    const ok = await cache.lookup(stage!, entry!, { onMiss: (miss) => problems.push(miss.detail) });
    if (!ok) bad.push(`${stage}/${entry}: ${problems.join('; ')}`);
    else referenced.push(...ok.files.map((f) => cache.prefix(stage!, entry!) + cacheObjectPath(f)));
  }
  return { total: manifests.length, bad, referenced };
}

/** Committed manifests of one stage (their keys). */
export async function committed(store: ObjectStore, stage: string): Promise<string[]> {
  return (await store.list(`cache/${stage}/`)).filter((k) => k.endsWith(`/${CACHE_MANIFEST_NAME}`));
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 100 ms until it returns a value; fails after `ms`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, ms = 240_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** A `graft worker` child process from dist/ with the given environment. */
export function spawnWorker(env: NodeJS.ProcessEnv, queues: { cpu: string; gpu: string }, logFile: string): ChildProcess {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist/cli/main.js'), 'worker', '--cpu-queue', queues.cpu, '--gpu-queue', queues.gpu], {
    env, stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  return child;
}

/** Waits for a child to exit (after a kill) so the next one does not overlap it. */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Waits for a run's result, surviving a client that loses its server for a
 * while (Temporal restarted): retries the long poll until the run closes.
 */
export async function resultThroughOutages(client: Client, workflowId: string, ms = 420_000): Promise<PipelineRunResult> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return (await client.workflow.getHandle(workflowId).result()) as PipelineRunResult;
    } catch (err) {
      const name = (err as Error).name;
      if (name === 'WorkflowFailedError') throw err;
      last = err;
      await sleep(1000);
    }
  }
  throw new Error(`run ${workflowId} did not finish: ${String(last)}`);
}


/** A private Temporal + MinIO in a temp state folder, on free ports: faults here cannot touch the shared stack. */
export interface PrivateStack {
  readonly config: StackConfig;
  readonly env: NodeJS.ProcessEnv;
  readonly temporalAddress: string;
  readonly s3Endpoint: string;
  start(): Promise<void>;
  stop(component: 'temporal' | 'minio'): Promise<string>;
  stopAll(): Promise<void>;
}

export async function privateStack(label: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<PrivateStack> {
  const stateDir = tempDir(`chaos-${label}`);
  const ports = { temporal: await freePort(), ui: await freePort(), minio: await freePort(), console: await freePort() };
  const overrides = {
    GRAFT_STATE_DIR: stateDir,
    GRAFT_TEMPORAL_PORT: String(ports.temporal),
    GRAFT_TEMPORAL_UI_PORT: String(ports.ui),
    GRAFT_MINIO_PORT: String(ports.minio),
    GRAFT_MINIO_CONSOLE_PORT: String(ports.console),
    GRAFT_HEADLESS: '1',
    // The whole server is this test's own (and thrown away after): its `default` namespace is the test's too.
    GRAFT_NAMESPACE: 'default',
    ...extraEnv,
  };
  const config = stackConfigFromEnv({ ...process.env, ...overrides });
  const addresses = stackAddresses(config);
  const env = { ...process.env, ...overrides, GRAFT_TEMPORAL_ADDRESS: addresses.temporal, GRAFT_S3_ENDPOINT: addresses.s3Endpoint };
  const managed = (name: 'temporal' | 'minio') => ({
    name, pidFile: path.join(stateDir, 'run', `${name}.pid`), logFile: path.join(stateDir, 'logs', `${name}.log`),
  });
  return {
    config, env, temporalAddress: addresses.temporal, s3Endpoint: addresses.s3Endpoint,
    async start() {
      await startStack(config);
    },
    stop: (component) => stopProcessGroup(managed(component)),
    async stopAll() {
      await Promise.all([stopProcessGroup(managed('temporal')), stopProcessGroup(managed('minio'))]);
    },
  };
}
