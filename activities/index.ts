/**
 * Every activity the Graft worker serves, built from injected dependencies
 * (`createActivities(deps)`), so tests drive them with a real store.
 */
import type { SmokeDeps } from './smoke';
import { createSmokeActivities } from './smoke';

export type ActivityDeps = SmokeDeps;

export function createActivities(deps: ActivityDeps) {
  return {
    ...createSmokeActivities(deps),
  };
}

export type GraftActivities = ReturnType<typeof createActivities>;
