// Scheduled retraining on the real stack: Temporal Schedules started through
// `graft schedule`, runs fired with `trigger` (not real time), a dir:// data
// set that grows between runs, the only-if-changed gate (data or spec), and
// the champion/challenger decision on the same test images.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-node';
import { captureIO } from '../../cli/io';
import { main } from '../../cli/main';
import { readIdxDataset } from '../../lib/data/idx';
import { readChampion } from '../../lib/stages/promote';
import { describeSchedule, deleteSchedule, listSchedules } from '../../runtime/schedules';
import type { ScheduleListing } from '../../runtime/schedules';
import type { PipelineInput, PipelineSpec } from '../../pipelines/schema';
import { modelSpecHash } from '../../pipelines/spec-hash';
import type { pipelineWorkflow } from '../../workflows/pipeline-workflow';
import type { PipelineRunResult } from '../../workflows/progress';
import type { TestStack } from './support/harness';
import { openTestStack, smallPipeline, startInProcessWorker, tempDir, sleep } from './support/harness';

let stack: TestStack;
let worker: Awaited<ReturnType<typeof startInProcessWorker>>;
const created: string[] = [];

const fm = readIdxDataset('/usr/share/datasets/fashion-mnist');
const dataDir = tempDir('schedule-data');
let cursor = 0;

/** Adds `perClass` new Fashion-MNIST images of classes 0 and 1 to the dir:// data set. */
async function addImages(perClass: number): Promise<void> {
  const added = new Map<number, number>([[0, 0], [1, 0]]);
  for (; cursor < fm.labels.length && [...added.values()].some((n) => n < perClass); cursor++) {
    const label = fm.labels[cursor]!;
    if (!added.has(label) || added.get(label)! >= perClass) continue;
    added.set(label, added.get(label)! + 1);
    const folder = path.join(dataDir, fm.classNames[label]!);
    fs.mkdirSync(folder, { recursive: true });
    const pixels = tf.tensor3d(fm.images.subarray(cursor * 784, (cursor + 1) * 784), [28, 28, 1], 'int32');
    fs.writeFileSync(path.join(folder, `${cursor}.png`), await tf.node.encodePng(pixels));
    pixels.dispose();
  }
}

let name: string;
let specFile: string;

function pipeline(extra: Partial<PipelineInput> = {}): PipelineSpec {
  return smallPipeline(stack, {
    name,
    dataset: { source: `dir://${dataDir}`, split: { validation: 0.2, test: 0.25, seed: 1 }, imageSize: 28, channels: 1 },
    augment: { copies: 0 },
    train: { epochs: 2, batchSize: 16 },
    // Jan 1st, 03:00 UTC: never due while the test runs, so every run here comes from a trigger.
    schedule: { cron: '0 3 1 1 *', onlyIfDataChanged: true, promoteMargin: 0 },
    ...extra,
  });
}

/** A normalized spec is valid input, and JSON is YAML. */
function writeSpec(spec: PipelineSpec, file: string): string {
  const full = path.join(tempDir('schedule-spec'), file);
  fs.writeFileSync(full, JSON.stringify(spec, null, 2));
  return full;
}

async function graft(...argv: string[]) {
  const io = captureIO();
  const code = await main(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n'), stdout: io.stdout };
}

/** Triggers schedule `id`; its run is named after the pipeline, or after the schedule when `id` is not the default one. */
async function trigger(id: string, runPrefix = name): Promise<string> {
  const { code, stdout, err } = await graft('schedule', 'trigger', id);
  expect(err).toBe('');
  expect(code).toBe(0);
  expect(stdout).toHaveLength(1);
  expect(stdout[0]).toMatch(new RegExp(`^${runPrefix}-sched-\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$`));
  return stdout[0]!;
}

/** The schedule as `listSchedules` shows it once Temporal's visibility store has caught up with `until`. */
async function listedWhen(id: string, until: (listed: ScheduleListing) => boolean): Promise<ScheduleListing | undefined> {
  let listed = (await listSchedules(stack.client)).find((s) => s.id === id);
  for (let i = 0; i < 60 && !(listed && until(listed)); i++) {
    await sleep(500);
    listed = (await listSchedules(stack.client)).find((s) => s.id === id);
  }
  return listed;
}

const resultOf = (runId: string): Promise<PipelineRunResult> => stack.client.workflow.getHandle<typeof pipelineWorkflow>(runId).result();
const outcomes = (result: PipelineRunResult) => Object.fromEntries(result.stages.map((s) => [s.stage, s.outcome]));

beforeAll(async () => {
  stack = await openTestStack('schedule');
  name = `sched-${stack.bucket.slice(-6)}`;
  worker = await startInProcessWorker(stack);
  await addImages(20);
  specFile = writeSpec(pipeline(), 'pipeline.yaml');
});

afterAll(async () => {
  for (const id of created) await deleteSchedule(stack.client, id).catch(() => undefined);
  worker.workers.shutdown();
  await worker.done;
  await stack.close();
});

describe('a schedule from the spec’s schedule block', () => {
  let id: string;
  let first: PipelineRunResult;

  test('create uses the schedule block: cron, onlyIfDataChanged, skip overlap, 1 minute catch-up', async () => {
    const { code, stdout, err } = await graft('schedule', 'create', specFile);
    expect(err).toBe('');
    expect(code).toBe(0);
    id = stdout[0]!;
    created.push(id);
    expect(id).toBe(`graft-${name}`);
    const info = await describeSchedule(stack.client, id);
    expect(info).toMatchObject({
      pipeline: name, timing: 'cron "0 3 1 1 *"', onlyIfDataChanged: true, overlap: 'skip', catchupWindowSeconds: 60, paused: false, recent: [],
    });
    expect(info.nextRuns[0]!.toISOString()).toMatch(/^\d{4}-01-01T03:00:00\.000Z$/);

    const again = await graft('schedule', 'create', specFile);
    expect(again.code).toBe(2);
    expect(again.err).toContain(`schedule ${id} already exists`);
  });

  test('create without --cron/--every on a spec without a schedule block is a usage error', async () => {
    const bare = writeSpec(pipeline({ schedule: null }), 'bare.yaml');
    const { code, err } = await graft('schedule', 'create', bare);
    expect(code).toBe(2);
    expect(err).toContain('has no schedule: block; give --cron or --every');
  });

  test('list shows the schedule', async () => {
    // Temporal lists schedules from its visibility store, which catches up shortly after create.
    const listed = await listedWhen(id, () => true);
    expect(listed).toMatchObject({ pipeline: name, timing: 'cron "0 3 1 1 *"', paused: false });
    const { out } = await graft('schedule', 'list');
    expect(out).toMatch(new RegExp(`^${id} +${name} +cron "0 3 1 1 \\*" +active +\\d{4}-01-01T03:00:00Z +-$`, 'm'));
  });

  test('the first triggered run trains and is promoted as the first model', async () => {
    const runId = await trigger(id);
    first = await resultOf(runId);
    expect(first.status).toBe('completed');
    expect(first.published!.promotion).toMatchObject({ promoted: true, reason: expect.stringMatching(/^first model: /), testImages: first.evaluations[0]!.evaluation.count });
    expect(first.reason).toBe('retrain: no current model');
    expect(await readChampion(stack.store, name)).toMatchObject({ version: first.published!.version, modelSpecHash: modelSpecHash(pipeline()) });
    const status = await graft('status', runId);
    expect(status.out).toContain('promoted to current: first model');
  });

  test('with unchanged data and spec the next run ends early as skipped: data and spec unchanged', async () => {
    const runId = await trigger(id);
    const result = await resultOf(runId);
    expect(result.status).toBe('skipped');
    expect(result.reason).toMatch(/^data and spec unchanged since model /);
    expect(result.fingerprint).toBe(first.fingerprint);
    expect(result.stages.map((s) => s.stage)).toEqual(['ingest']);
    expect((await graft('status', runId)).out).toContain('skipped: data and spec unchanged');
  });

  test('new data retrains, reusing the unchanged stages, and the margin decides promotion', async () => {
    await addImages(6);
    const runId = await trigger(id);
    const result = await resultOf(runId);
    expect(result.status).toBe('completed');
    expect(result.fingerprint).not.toBe(first.fingerprint);
    expect(result.reason).toMatch(new RegExp(`^retrain: data changed since model ${first.published!.version} \\(fingerprint `));
    const o = outcomes(result);
    expect(o.ingest).toBe('computed');
    expect(o.augment).toBe('skipped'); // copies: 0, no mixing: nothing to make
    expect(o.base).toBe('cached');
    expect(o['train-head']).toBe('computed');
    const promotion = result.published!.promotion;
    // The champion (the first run's model) is judged again on this run's test images, which
    // include all of the first run's: the split is stable per image, so none was trained on.
    const evaluation = result.evaluations[0]!.evaluation;
    expect(evaluation.count).toBeGreaterThanOrEqual(first.evaluations[0]!.evaluation.count);
    expect(promotion).toMatchObject({ championVersion: first.published!.version, testImages: evaluation.count, challengerAccuracy: evaluation.testAccuracy });
    expect(promotion.championAccuracy).toBeGreaterThanOrEqual(0);
    // promoteMargin 0: the 95 % confidence margin decides; at least 1/n, so a tie keeps the champion.
    expect(promotion.margin).toBeGreaterThanOrEqual(1 / evaluation.count);
    const gain = promotion.challengerAccuracy - promotion.championAccuracy!;
    expect(promotion.promoted).toBe(gain > promotion.margin!);
    expect(promotion.reason).toContain(`vs ${first.published!.version}'s ${(100 * promotion.championAccuracy!).toFixed(2)}% on the same ${evaluation.count} test images`);
    expect(promotion.reason).toMatch(promotion.promoted ? /more than the margin of .* \(95% confidence\)$/ : /not more than the margin of .* \(95% confidence\); kept /);
    expect((await graft('status', runId)).out).toContain(`${promotion.promoted ? 'promoted to current' : 'not promoted'}: ${promotion.reason}`);
    const report = (await stack.store.get(result.published!.reportKey))!.toString();
    expect(report).toContain(`<dt>Test images (both models)</dt><dd>${evaluation.count}</dd>`);

    const described = await graft('schedule', 'describe', id);
    expect(described.code).toBe(0);
    const runs = described.stdout.filter((line) => line.startsWith(`    ${name}-sched-`));
    expect(runs).toHaveLength(3);
    expect(runs[0]).toContain(`COMPLETED  ${promotion.promoted ? 'promoted' : 'not promoted'}: ${promotion.reason}`);
    expect(runs[1]).toMatch(/COMPLETED +skipped: data and spec unchanged/);
    expect(runs[2]).toMatch(/COMPLETED +promoted: first model/);
  });

  test('a huge promoteMargin keeps the champion, and says why', async () => {
    const strictFile = writeSpec(pipeline({ schedule: { cron: '0 3 1 1 *', onlyIfDataChanged: true, promoteMargin: 0.99 } }), 'strict.yaml');
    const strictId = `${id}-strict`;
    const { code, stdout } = await graft('schedule', 'create', strictFile, '--id', strictId, '--overlap', 'buffer-one', '--catchup-window', '5m');
    expect(code).toBe(0);
    created.push(strictId);
    expect(stdout).toEqual([strictId]);
    expect(await describeSchedule(stack.client, strictId)).toMatchObject({ overlap: 'buffer-one', catchupWindowSeconds: 300 });

    await addImages(6);
    const runId = await trigger(strictId, strictId);
    const result = await resultOf(runId);
    expect(result.status).toBe('completed');
    expect(outcomes(result).base).toBe('cached');
    const promotion = result.published!.promotion;
    expect(promotion.promoted).toBe(false);
    expect(promotion.reason).toMatch(new RegExp(`on the same ${promotion.testImages} test images: .* not more than the margin of 99\\.00 points \\(promoteMargin\\); kept ${promotion.championVersion}$`));
    expect(promotion.margin).toBe(0.99);
    expect((await graft('status', runId)).out).toContain(`not promoted: ${promotion.reason}`);
  });

  test('pause shows in describe; a manual trigger still runs while paused (Temporal’s rule); unpause', async () => {
    const paused = await graft('schedule', 'pause', id, '--note', 'data freeze');
    expect(paused.code).toBe(0);
    expect(await describeSchedule(stack.client, id)).toMatchObject({ paused: true, note: 'data freeze' });
    expect((await graft('schedule', 'describe', id)).out).toContain('  state:     paused  (data freeze)');

    const runId = await trigger(id);
    // The data grew since the current model's run, so it retrains; the strict schedule's run already trained on it.
    const result = await resultOf(runId);
    expect(result.status).toBe('completed');
    expect(outcomes(result)['train-head']).toBe('cached');

    expect((await graft('schedule', 'unpause', id)).code).toBe(0);
    expect(await describeSchedule(stack.client, id)).toMatchObject({ paused: false });
    expect((await graft('schedule', 'describe', id)).out).toContain('  state:     active');
  });

  test('delete removes the schedule; describing it then fails as not found', async () => {
    const deleted = await graft('schedule', 'delete', id);
    expect(deleted.code).toBe(0);
    expect(deleted.out).toContain(`deleted ${id}`);
    const after = await graft('schedule', 'describe', id);
    expect(after.code).toBe(2);
    expect(after.err).toBe(`DataError: no schedule with id ${id}`);
    expect((await graft('schedule', 'delete', id)).err).toBe(`DataError: no schedule with id ${id}`);
  });
});

describe('a changed spec retrains even when the data did not change', () => {
  test('a changed head under onlyIfDataChanged retrains, the reason names the spec, and the champion is judged on the same test images', async () => {
    const pipelineName = `${name}-spec`;
    const replaceSpec = pipeline({ name: pipelineName });
    const denseSpec = pipeline({ name: pipelineName, head: { strategy: 'dense', hidden: 16 } });
    const replaceId = (await graft('schedule', 'create', writeSpec(replaceSpec, 'replace.yaml'))).stdout[0]!;
    created.push(replaceId);
    // The spec is copied into a schedule when it is created: the changed head is a new schedule of the same pipeline.
    const denseId = `${replaceId}-dense`;
    expect((await graft('schedule', 'create', writeSpec(denseSpec, 'dense.yaml'), '--id', denseId)).code).toBe(0);
    created.push(denseId);

    const champion = await resultOf(await trigger(replaceId, pipelineName));
    expect(champion.published!.promotion.promoted).toBe(true);
    const version = champion.published!.version;

    const runId = await trigger(denseId, denseId);
    const result = await resultOf(runId);
    expect(result.status).toBe('completed');
    expect(result.fingerprint).toBe(champion.fingerprint);
    expect(result.reason).toBe(`retrain: spec changed since model ${version} (model-spec hash ${modelSpecHash(replaceSpec).slice(0, 12)} → ${modelSpecHash(denseSpec).slice(0, 12)})`);
    expect(outcomes(result)).toMatchObject({ base: 'cached', extract: 'cached', 'train-head': 'computed' });
    expect((await graft('status', runId)).out).toContain('retrain: spec changed since model');

    // Same data, so the same test images: the champion judged again on them scores what its own run measured
    // (the published model on images vs its head on cached features: at most one near-tie may differ).
    const evaluation = result.evaluations[0]!.evaluation;
    expect(evaluation.count).toBe(champion.evaluations[0]!.evaluation.count);
    const promotion = result.published!.promotion;
    expect(promotion).toMatchObject({ championVersion: version, testImages: evaluation.count, challengerAccuracy: evaluation.testAccuracy });
    expect(Math.abs(promotion.championAccuracy! - champion.evaluations[0]!.evaluation.testAccuracy)).toBeLessThanOrEqual(1 / evaluation.count + 1e-9);
    expect(promotion.reason).toContain(`on the same ${evaluation.count} test images`);
    expect((await readChampion(stack.store, pipelineName))!.modelSpecHash).toBe(modelSpecHash(promotion.promoted ? denseSpec : replaceSpec));

    const described = await graft('schedule', 'describe', denseId);
    const line = described.stdout.find((l) => l.startsWith(`    ${runId}`));
    expect(line).toContain(`COMPLETED  ${promotion.promoted ? 'promoted' : 'not promoted'}: ${promotion.reason}`);
    const listed = await listedWhen(denseId, (s) => s.lastRun?.runId === runId);
    expect(listed?.lastRun?.outcome).toBe(`${promotion.promoted ? 'promoted' : 'not promoted'}: ${promotion.reason}`);
    expect((await graft('schedule', 'list')).stdout.find((l) => l.startsWith(`${denseId} `))).toContain(`on the same ${evaluation.count} test images`);

    // The gate compares with whichever model is current: the old head is a changed spec again only if the new one won.
    const back = await resultOf(await trigger(replaceId, pipelineName));
    if (promotion.promoted) {
      expect(back.status).toBe('completed');
      expect(back.reason).toMatch(/^retrain: spec changed since model /);
      expect(back.reason).toContain(`since model ${runId} `);
    } else {
      expect(back).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/^data and spec unchanged since model /) });
    }
  });
});
