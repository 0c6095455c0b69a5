import type { ActivityDeps } from '../activities';
import { createActivities } from '../activities';
import { runStagePlan } from '../workflows/stage-plan';

/**
 * Every activity a Graft worker serves, with the stage plan given to
 * `lookupPlan` (activities cannot import it from workflows/ themselves):
 * what a worker process should register.
 */
export function createWorkerActivities(deps: ActivityDeps): ReturnType<typeof createActivities> {
  return createActivities({ ...deps, walkPlan: runStagePlan });
}
