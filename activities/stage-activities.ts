import type { StageEnv } from './activity-context';
import { createAugmentActivity } from './augment';
import { createEvaluateActivity } from './evaluate';
import { createBaseActivity, createExtractActivity } from './extract';
import { createIngestActivity } from './ingest';
import { createPublishActivity } from './publish';
import { createTrainHeadActivity, createTrainImagesActivity } from './train';

/** The stage plan's activities over one environment, unwrapped: the plan lookup and the benchmark's direct calls use them as they are. */
export function createStageActivities(env: StageEnv) {
  return {
    ingest: createIngestActivity(env),
    augmentShards: createAugmentActivity(env),
    prepareBase: createBaseActivity(env),
    extractShards: createExtractActivity(env),
    trainHead: createTrainHeadActivity(env),
    trainImages: createTrainImagesActivity(env),
    evaluate: createEvaluateActivity(env),
    publish: createPublishActivity(env),
  };
}
