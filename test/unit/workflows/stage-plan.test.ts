import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { EvaluateInput, Evaluation, PublishInput, SkippedImages, StageName, StageResult, TrainHeadInput } from '../../../activities/contracts';
import { definePipeline } from '../../../pipelines/define';
import type { PipelineInput } from '../../../pipelines/schema';
import { MAX_SHARDS_PER_ACTIVITY, groupShards, runStagePlan, type PlanActivities, type PlanExecutor } from '../../../workflows/stage-plan';

const ROOT = path.resolve(__dirname, '../../..');
const evaluation: Evaluation = { testAccuracy: 0.9, perClassAccuracy: [], confusion: [], count: 4 };
const shard = (stage: StageName, name: string) => ({ stage, key: `${stage}-key`, name, count: 2, offset: 0 });
const done = { outcome: 'computed' as const, key: 'k', seconds: 0 };

/** Activities that record which were called, with canned results. */
function fakeActivities(calls: string[]): PlanActivities {
  const called = <R>(name: string, result: R) => async () => { calls.push(name); return result; };
  const model = { stage: 'train-head' as const, key: 'm' };
  return {
    ingest: called('ingest', {
      ...done, fingerprint: 'fp', classNames: ['a', 'b'], imageShape: [8, 8, 1] as [number, number, number], skipped: [],
      shards: { train: [shard('ingest', 'train-0'), shard('ingest', 'train-1')], validation: [shard('ingest', 'validation-0')], test: [shard('ingest', 'test-0')] },
    }),
    augmentShards: async ({ sources }) => {
      calls.push('augment');
      return { ...done, shards: sources.map((s) => shard('augment', `aug-${s.name}`)), outcomes: sources.map(() => done.outcome) };
    },
    prepareBase: called('base', { ...done, model: { stage: 'base', key: 'b' }, fingerprint: 'bf', featureShape: [4], weights: null }),
    extractShards: async ({ sources }) => {
      calls.push('extract');
      return { ...done, shards: sources.map((s) => shard('extract', `features-${s.name}`)), outcomes: sources.map(() => done.outcome) };
    },
    trainHead: called('train-head', { ...done, model, history: [] }),
    trainImages: called('train-images', { ...done, model: { stage: 'fine-tune', key: 'f' }, history: [] }),
    evaluate: called('evaluate', { ...done, evaluation }),
    publish: called('publish', { seconds: 0, modelUri: 's3://b/m/model.json', version: 'v', reportKey: 'r', promotion: { promoted: true, reason: 'first' } } as never),
  };
}

function executor(stages: [StageName, number][], shardCounts: [StageName, readonly number[] | undefined][] = []): PlanExecutor {
  return {
    async stage<R extends StageResult>(name: StageName, calls: (() => Promise<R>)[], shards?: readonly number[]): Promise<R[]> {
      stages.push([name, calls.length]);
      shardCounts.push([name, shards]);
      const results: R[] = [];
      for (const call of calls) results.push(await call());
      return results;
    },
    publish: (call) => call(),
    fail: (_type, message) => { throw new Error(message); },
  };
}

const spec = (extra: Partial<PipelineInput>) => definePipeline({
  name: 'plan', dataset: { source: 'idx:///d', imageSize: 8, channels: 1 }, base: { architecture: 'efficientnet-lite0', inputSize: 32 }, ...extra,
} as PipelineInput);

describe('the stage plan', () => {
  it('transfer with fine-tuning: every shard augmented and extracted, the head, fine-tune, both evaluated, then publish', async () => {
    const calls: string[] = [];
    const stages: [StageName, number][] = [];
    const acts = fakeActivities(calls);
    const ctx = { runId: 'r', pipeline: 'plan', specHash: 'h', modelSpecHash: 'm', noCache: false, heartbeatSeconds: 60 };
    const result = await runStagePlan({ spec: spec({ fineTune: { topLayers: 4 } }), ctx, cpu: acts, gpu: acts }, executor(stages), () => []);
    // 2 train shards + 2 augmented + 1 validation + 1 test are extracted.
    expect(stages).toEqual([['ingest', 1], ['augment', 2], ['base', 1], ['extract', 6], ['train-head', 1], ['fine-tune', 1], ['evaluate', 2]]);
    expect(calls[calls.length - 1]).toBe('publish');
    expect(result.evaluations.map((e) => e.model)).toEqual(['transfer', 'fine-tune']);
  });

  it('with a fan-out, runs each shard stage as one activity per worker of its queue, over contiguous groups, keeping the shards\' order', async () => {
    const stages: [StageName, number][] = [];
    const shardCounts: [StageName, readonly number[] | undefined][] = [];
    const acts = fakeActivities([]);
    const trained: TrainHeadInput[] = [];
    const trainHead = acts.trainHead;
    acts.trainHead = async (input) => { trained.push(input); return trainHead(input); };
    const ctx = { runId: 'r', pipeline: 'plan', specHash: 'h', modelSpecHash: 'm', noCache: false, heartbeatSeconds: 60 };
    await runStagePlan({ spec: spec({}), ctx, cpu: acts, gpu: acts, fanOut: { cpu: 1, gpu: 2 }, publish: false }, executor(stages, shardCounts), () => []);
    expect(stages).toEqual([['ingest', 1], ['augment', 1], ['base', 1], ['extract', 2], ['train-head', 1], ['evaluate', 1]]);
    expect(shardCounts.filter(([, counts]) => counts)).toEqual([['augment', [2]], ['extract', [3, 3]]]);
    expect(trained[0]!.train.map((s) => s.name)).toEqual(['features-train-0', 'features-train-1', 'features-aug-train-0', 'features-aug-train-1']);
    expect(trained[0]!.validation.map((s) => s.name)).toEqual(['features-validation-0']);
  });

  it('gives no activity more than MAX_SHARDS_PER_ACTIVITY shards, whatever the fan-out', async () => {
    const shardCounts: [StageName, readonly number[] | undefined][] = [];
    const acts = fakeActivities([]);
    const ingest = acts.ingest;
    const train = Array.from({ length: 130 }, (_, i) => shard('ingest', `train-${i}`));
    acts.ingest = async (input) => ({ ...(await ingest(input)), shards: { train, validation: [], test: [] } });
    const ctx = { runId: 'r', pipeline: 'plan', specHash: 'h', modelSpecHash: 'm', noCache: false, heartbeatSeconds: 60 };
    await runStagePlan({ spec: spec({}), ctx, cpu: acts, gpu: acts, fanOut: { cpu: 1, gpu: 2 }, publish: false }, executor([], shardCounts), () => []);
    expect(MAX_SHARDS_PER_ACTIVITY).toBe(64);
    expect(shardCounts.filter(([, counts]) => counts)).toEqual([['augment', [44, 43, 43]], ['extract', [52, 52, 52, 52, 52]]]);
  });

  it('passes evaluate.tta to every evaluation; on features with the test images and the base to mirror them through', async () => {
    const acts = fakeActivities([]);
    const seen: EvaluateInput[] = [];
    const evaluate = acts.evaluate;
    acts.evaluate = async (input) => { seen.push(input); return evaluate(input); };
    const ctx = { runId: 'r', pipeline: 'plan', specHash: 'h', modelSpecHash: 'm', noCache: false, heartbeatSeconds: 60 };
    await runStagePlan({ spec: spec({ fineTune: { topLayers: 4 }, evaluate: { tta: true } }), ctx, cpu: acts, gpu: acts, publish: false }, executor([]), () => []);
    expect(seen.map((e) => [e.inputs, e.tta, e.ttaSource?.images.map((s) => s.name), e.ttaSource?.base.key])).toEqual([
      ['features', true, ['test-0'], 'b'], ['images', true, undefined, undefined],
    ]);
    seen.length = 0;
    await runStagePlan({ spec: spec({}), ctx, cpu: acts, gpu: acts, publish: false }, executor([]), () => []);
    expect(seen.map((e) => [e.tta, e.ttaSource])).toEqual([[false, undefined]]);
  });

  it('retrain: train on images, evaluate, publish; no base and no extraction', async () => {
    const stages: [StageName, number][] = [];
    const acts = fakeActivities([]);
    const ctx = { runId: 'r', pipeline: 'plan', specHash: 'h', modelSpecHash: 'm', noCache: false, heartbeatSeconds: 60 };
    const result = await runStagePlan({ spec: spec({ mode: 'retrain', base: { architecture: 'small-cnn' } }), ctx, cpu: acts, gpu: acts, publish: false }, executor(stages), () => []);
    expect(stages).toEqual([['ingest', 1], ['augment', 2], ['train', 1], ['evaluate', 1]]);
    expect(result.published).toBeUndefined();
  });

  it('carries the count and the first few skipped images to the executor, the result and the report', async () => {
    const acts = fakeActivities([]);
    const skipped = Array.from({ length: 7 }, (_, i) => `/d/a/${i}.png: cannot decode image (Invalid PNG)`);
    const ingest = acts.ingest;
    acts.ingest = async (input) => ({ ...(await ingest(input)), skipped });
    const publish = acts.publish;
    const published: PublishInput[] = [];
    acts.publish = async (input) => { published.push(input); return publish(input); };
    const seen: SkippedImages[] = [];
    const run = { ...executor([]), skippedImages: (s: SkippedImages) => void seen.push(s) };
    const ctx = { runId: 'r', pipeline: 'plan', specHash: 'h', modelSpecHash: 'm', noCache: false, heartbeatSeconds: 60 };
    const result = await runStagePlan({ spec: spec({}), ctx, cpu: acts, gpu: acts }, run, () => []);
    const expected = { count: 7, first: skipped.slice(0, 5) };
    expect(seen).toEqual([expected]);
    expect(result.skippedImages).toEqual(expected);
    expect(published[0]!.skippedImages).toEqual(expected);
    // None skipped: nothing said.
    const clean = await runStagePlan({ spec: spec({}), ctx, cpu: fakeActivities([]), gpu: fakeActivities([]) }, run, () => []);
    expect(clean.skippedImages).toBeUndefined();
    expect(seen).toHaveLength(1);
    // Ingest names only the first few of a million bad files; the count covers them all.
    acts.ingest = async (input) => ({ ...(await ingest(input)), skipped, skippedCount: 1_000_000 });
    const many = await runStagePlan({ spec: spec({}), ctx, cpu: acts, gpu: acts, publish: false }, executor([]), () => []);
    expect(many.skippedImages).toEqual({ count: 1_000_000, first: skipped.slice(0, 5) });
  });

  it('hands publish the test images and the evaluate entry of the published model, so the champion is judged on them', async () => {
    const acts = fakeActivities([]);
    let evaluations = 0;
    const published: PublishInput[] = [];
    const spied: PlanActivities = {
      ...acts,
      evaluate: async (input) => ({ ...(await acts.evaluate(input)), key: `evaluate-${++evaluations}` }),
      publish: async (input) => { published.push(input); return acts.publish(input); },
    };
    const ctx = { runId: 'r', pipeline: 'plan', specHash: 'h', modelSpecHash: 'm', noCache: false, heartbeatSeconds: 60 };
    await runStagePlan({ spec: spec({ fineTune: { topLayers: 4 } }), ctx, cpu: spied, gpu: spied }, executor([]), () => []);
    expect(published[0]!.heldOut).toEqual({ images: [shard('ingest', 'test-0')], evaluateKey: 'evaluate-2' });
  });

  it('takes the lookup\'s hits instead of their activities, runs the misses, and publishes from the cache only when every stage hit', async () => {
    const ctx = { runId: 'r', pipeline: 'plan', specHash: 'h', modelSpecHash: 'm', noCache: false, heartbeatSeconds: 60 };
    // A first run, recording every result in call order.
    const recorded: StageResult[] = [];
    const recording = fakeActivities([]);
    const record = Object.fromEntries(Object.entries(recording).map(([name, fn]) => [name, async (input: never) => {
      const result = await (fn as (i: never) => Promise<StageResult>)(input);
      recorded.push(result);
      return result;
    }])) as unknown as PlanActivities;
    await runStagePlan({ spec: spec({}), ctx, cpu: record, gpu: record }, executor([]), () => []);
    const [ingest, aug1, aug2, base, ...rest] = recorded;
    const extracts = rest.slice(0, 6);
    const [head, evaluated, published] = rest.slice(6);

    // Everything cached: no activity runs at all.
    const none: string[] = [];
    const full = {
      stages: [
        { stage: 'ingest' as const, results: [ingest!] }, { stage: 'augment' as const, results: [aug1!, aug2!] }, { stage: 'base' as const, results: [base!] },
        { stage: 'extract' as const, results: extracts }, { stage: 'train-head' as const, results: [head!] }, { stage: 'evaluate' as const, results: [evaluated!] },
      ],
      published: published as never, seconds: 0,
    };
    const all = await runStagePlan({ spec: spec({}), ctx, cpu: fakeActivities(none), gpu: fakeActivities(none), cached: full }, executor([]), () => []);
    expect(none).toEqual([]);
    expect(all.published).toBe(published);

    // Two extract shards missed: only they run, then everything after extract, publish included.
    const some: string[] = [];
    const partial = { stages: [full.stages[0]!, full.stages[1]!, full.stages[2]!, { stage: 'extract' as const, results: [extracts[0]!, null, extracts[2]!, extracts[3]!, null, extracts[5]!] }], seconds: 0 };
    await runStagePlan({ spec: spec({}), ctx, cpu: fakeActivities(some), gpu: fakeActivities(some), cached: partial }, executor([]), () => []);
    expect(some).toEqual(['extract', 'extract', 'train-head', 'evaluate', 'publish']);

    // A lookup of another plan (its stages do not line up) is not used past the mismatch.
    const other: string[] = [];
    const mismatched = { stages: [full.stages[0]!, { stage: 'augment' as const, results: [aug1!] }, full.stages[2]!], published: published as never, seconds: 0 };
    await runStagePlan({ spec: spec({}), ctx, cpu: fakeActivities(other), gpu: fakeActivities(other), cached: mismatched }, executor([]), () => []);
    expect(other).toEqual(['augment', 'augment', 'base', ...Array(6).fill('extract'), 'train-head', 'evaluate', 'publish']);
  });

  it('is the only place the stage order lives: the workflow and the direct runner call it and no activity themselves', () => {
    for (const file of ['workflows/pipeline-workflow.ts', 'bench/direct-pipeline.ts']) {
      const source = readFileSync(path.join(ROOT, file), 'utf8');
      expect({ file, callsPlan: source.includes('runStagePlan(') }).toEqual({ file, callsPlan: true });
      const stageCalls = source.match(/\.(ingest|augmentShards|prepareBase|extractShards|trainHead|trainImages|evaluate|publish)\(\{/g) ?? [];
      expect({ file, stageCalls }).toEqual({ file, stageCalls: [] });
    }
  });
});

describe('groupShards', () => {
  it('splits into at most the asked number of contiguous groups, sizes differing by at most one, larger first', () => {
    const shards = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    expect(groupShards(shards, 3)).toEqual([['a', 'b', 'c'], ['d', 'e'], ['f', 'g']]);
    expect(groupShards(shards, 1)).toEqual([shards]);
    expect(groupShards(shards, 7)).toEqual(shards.map((s) => [s]));
  });

  it('never makes an empty group: more groups than shards give one each, and none or fewer than one group give one', () => {
    expect(groupShards(['a', 'b'], 5)).toEqual([['a'], ['b']]);
    expect(groupShards(['a', 'b'], 0)).toEqual([['a', 'b']]);
    expect(groupShards(['a', 'b'], 1.7)).toEqual([['a', 'b']]);
    expect(groupShards([], 4)).toEqual([]);
  });
});
