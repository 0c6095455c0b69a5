import { proxyActivities } from '@temporalio/workflow';
import type { SmokeCheckInput, SmokeCheckResult, createSmokeActivities } from '../activities/smoke';

const { smokeCheck } = proxyActivities<ReturnType<typeof createSmokeActivities>>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 3 },
});

/** A tiny workflow that proves the stack works: Temporal → worker → MinIO + native TF. */
export async function smokeWorkflow(input: SmokeCheckInput): Promise<SmokeCheckResult> {
  return smokeCheck(input);
}
