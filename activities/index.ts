/**
 * Every activity the Graft worker serves, one file per stage, built from
 * injected dependencies (`createActivities(deps)`) so tests drive them with
 * a real store. Permanent errors leave as typed, non-retryable failures.
 */
import type { ActivityDeps } from './activity-context';
import { stageEnv } from './activity-context';
import { createAugmentActivity } from './augment';
import { createEvaluateActivity } from './evaluate';
import { createBaseActivity, createExtractActivity } from './extract';
import { withFailureMapping } from './failures';
import { createIngestActivity } from './ingest';
import { createCurrentModelActivity, createPublishActivity } from './publish';
import { createSmokeActivities } from './smoke';
import { createTrainHeadActivity, createTrainImagesActivity } from './train';

import type { PlanWalker } from './lookup';
import { createLookupPlanActivity } from './lookup';

export type { ActivityDeps } from './activity-context';
export type { PlanWalker } from './lookup';

export interface GraftActivityDeps extends ActivityDeps {
  /**
   * The stage plan (`runStagePlan` from workflows/stage-plan.ts), for
   * `lookupPlan`: one cache lookup for the whole plan. Without it each
   * stage looks up its own entry (one round trip per stage).
   */
  readonly walkPlan?: PlanWalker;
}

export function createActivities(deps: GraftActivityDeps) {
  const env = stageEnv(deps);
  return {
    lookupPlan: withFailureMapping(createLookupPlanActivity(deps)),
    ...createSmokeActivities(deps),
    ingest: withFailureMapping(createIngestActivity(env)),
    augmentShards: withFailureMapping(createAugmentActivity(env)),
    prepareBase: withFailureMapping(createBaseActivity(env)),
    extractShards: withFailureMapping(createExtractActivity(env)),
    trainHead: withFailureMapping(createTrainHeadActivity(env)),
    trainImages: withFailureMapping(createTrainImagesActivity(env)),
    evaluate: withFailureMapping(createEvaluateActivity(env)),
    publish: withFailureMapping(createPublishActivity(env)),
    currentModel: withFailureMapping(createCurrentModelActivity(env)),
  };
}

export type GraftActivities = ReturnType<typeof createActivities>;
