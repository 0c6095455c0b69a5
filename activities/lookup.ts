/**
 * `lookupPlan`: the whole stage plan looked up in the cache in one activity,
 * so an unchanged run costs one round trip instead of one per stage. It walks
 * the same plan the workflow runs (workflows/stage-plan.ts, given as
 * `walkPlan`: activities sit below workflows and cannot import it) over
 * activities whose cache refuses to write: each call returns its verified
 * hit or stops where it would compute.
 */
import { LookupOnlyCache, WriteRefused } from '../lib/stages/lookup-only';
import type { ActivityDeps } from './activity-context';
import { stageLog } from './activity-context';
import type { CachedStage, PlanActivities, PlanExecutor, PlanInput, PlanLookup, PlanLookupInput, PublishResult, StageReport, StageResult } from './contracts';
import { createStageActivities } from './stage-activities';

/** The stage plan's walk: `runStagePlan` from workflows/stage-plan.ts. */
export type PlanWalker = (
  input: PlanInput,
  run: PlanExecutor,
  reports: () => StageReport[],
) => Promise<unknown>;

/** Ends the walk at the first stage with a miss: later stages' inputs depend on it. */
class WalkEnded extends Error {}

export function createLookupPlanActivity(deps: ActivityDeps & { readonly walkPlan?: PlanWalker }) {
  const env = { store: deps.store, cache: new LookupOnlyCache(deps.store) };
  const acts: PlanActivities = createStageActivities(env);
  return async function lookupPlan({ ctx, spec, shardSize, fanOut, publish }: PlanLookupInput): Promise<PlanLookup> {
    const started = Date.now();
    const stages: CachedStage[] = [];
    let published: PublishResult | undefined;
    const { walkPlan } = deps;
    // Without the plan (a worker built without it) every stage looks itself up, as before.
    if (!walkPlan || ctx.noCache) return { stages, seconds: 0 };
    const missed = (err: unknown): boolean => err instanceof WriteRefused;
    try {
      await walkPlan({ spec, ctx, cpu: acts, gpu: acts, ...(shardSize ? { shardSize } : {}), ...(fanOut ? { fanOut } : {}), publish: publish ?? true }, {
        async stage<R extends StageResult>(name: CachedStage['stage'], calls: (() => Promise<R>)[]): Promise<R[]> {
          // A stage's lookups are independent (shards): verify them side by side.
          const results: (R | null)[] = await Promise.all(calls.map((call) => call().catch((err: unknown) => { if (missed(err)) return null; throw err; })));
          stages.push({ stage: name, results });
          if (results.some((r) => r === null)) throw new WalkEnded();
          return results as R[];
        },
        async publish(call) {
          published = await call().catch((err: unknown) => { if (missed(err)) throw new WalkEnded(); throw err; });
          return published;
        },
        fail() {
          throw new WalkEnded(); // the run itself will fail there, with its message
        },
      }, () => []);
    } catch (err) {
      if (!(err instanceof WalkEnded)) throw err;
    }
    const hits = stages.reduce((n, s) => n + s.results.filter((r) => r !== null).length, 0) + (published ? 1 : 0);
    const calls = stages.reduce((n, s) => n + s.results.length, 0) + (published ? 1 : 0);
    stageLog(`lookup: ${hits}/${calls} call(s) cached${published ? ', publish included' : ''} in ${((Date.now() - started) / 1000).toFixed(2)} s`);
    return { stages, ...(published ? { published } : {}), seconds: (Date.now() - started) / 1000 };
  };
}
