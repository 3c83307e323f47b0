/**
 * `runReconciliation`: a workspace's schedule starts it every 15 minutes to end runs whose workflow closed without
 * recording it (terminated, timed out, or gone). The work is one activity; this only gives it a schedule and retries.
 */
import { proxyActivities } from '@temporalio/workflow';

export interface RunReconciliationActivities {
  reconcileOpenRuns(input: { workspaceId: string }): Promise<{ checked: number; ended: number }>;
}

const { reconcileOpenRuns } = proxyActivities<RunReconciliationActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '2 minutes', maximumAttempts: 5 },
});

export async function runReconciliation(input: {
  workspaceId: string;
}): Promise<{ checked: number; ended: number }> {
  return reconcileOpenRuns(input);
}
