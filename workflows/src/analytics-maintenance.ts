/**
 * `analyticsMaintenance`: the recurring jobs a workspace's schedules start — decide experiments (hourly), tag
 * dormancy reasons, refit the churn model and snapshot customers per dormancy stage (daily), reconcile the audience
 * sweep schedules with live journeys (every few minutes). All the work is in activities; this only sequences them.
 */
import { proxyActivities } from '@temporalio/workflow';

export type AnalyticsJob =
  'experiments' | 'dormancy_reasons' | 'churn_model' | 'dormancy_snapshot' | 'journey_schedules';

export interface AnalyticsMaintenanceActivities {
  runAnalyticsJob(input: { workspaceId: string; job: AnalyticsJob }): Promise<Record<string, unknown>>;
}

const { runAnalyticsJob } = proxyActivities<AnalyticsMaintenanceActivities>({
  startToCloseTimeout: '1 hour',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes', maximumAttempts: 5 },
});

export async function analyticsMaintenance(input: {
  workspaceId: string;
  jobs: AnalyticsJob[];
}): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = {};
  for (const job of input.jobs) results[job] = await runAnalyticsJob({ workspaceId: input.workspaceId, job });
  return results;
}
