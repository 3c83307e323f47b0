/**
 * A workspace's recurring jobs, as Temporal Schedules created (or updated) idempotently when a worker starts:
 * audience maintenance (orphan events, RFM) daily, experiments hourly, dormancy reasons, the churn model and the
 * dormancy-stage snapshot daily, and the reconciliation of audience-sweep schedules with live journeys every
 * 10 minutes (so a publish that could not reach Temporal gets its schedule soon after).
 */
import type { Client } from '@temporalio/client';
import { computeDormancyReasons, evaluateExperiments, refitChurnModel } from '@wakeflow/analytics';
import { reconcileAudienceSchedules, snapshotDormancy, upsertMaintenanceSchedule } from '@wakeflow/audience';
import type { Database } from '@wakeflow/db';
import { upsertIntervalSchedule, upsertRunReconcilerSchedule } from '@wakeflow/temporal';
import type { AnalyticsJob, AnalyticsMaintenanceActivities } from '@wakeflow/workflows';

/** `temporal` is the client that manages schedules; without it the schedule job is refused (and retried). */
export function createAnalyticsActivities(db: Database, temporal?: Client): AnalyticsMaintenanceActivities {
  return {
    async runAnalyticsJob({ workspaceId, job }) {
      if (job === 'journey_schedules') {
        if (!temporal) throw new Error('The schedule reconciler needs a Temporal client');
        const done = await reconcileAudienceSchedules(temporal, db, workspaceId);
        return { ...done };
      }
      if (job === 'experiments') {
        const decided = await evaluateExperiments(db, workspaceId);
        return { experiments: decided.length };
      }
      if (job === 'dormancy_reasons') return { ...(await computeDormancyReasons(db, workspaceId)) };
      if (job === 'dormancy_snapshot') return { ...(await snapshotDormancy(db, workspaceId)) };
      const fit = await refitChurnModel(db, workspaceId);
      return fit ? { refitted: true } : { refitted: false };
    },
  };
}

async function upsertAnalyticsSchedule(
  client: Client,
  workspaceId: string,
  name: string,
  everyMinutes: number,
  jobs: AnalyticsJob[],
): Promise<void> {
  const scheduleId = `analytics-${name}/${workspaceId}`;
  await upsertIntervalSchedule(client, {
    scheduleId,
    workspaceId,
    everyMinutes,
    workflowType: 'analyticsMaintenance',
    args: [{ workspaceId, jobs }],
  });
}

export async function ensureWorkspaceSchedules(client: Client, workspaceId: string): Promise<void> {
  await upsertMaintenanceSchedule(client, { workspaceId });
  await upsertAnalyticsSchedule(client, workspaceId, 'hourly', 60, ['experiments']);
  await upsertAnalyticsSchedule(client, workspaceId, 'daily', 1440, [
    'dormancy_reasons',
    'churn_model',
    'dormancy_snapshot',
  ]);
  await upsertAnalyticsSchedule(client, workspaceId, 'schedules', 10, ['journey_schedules']);
  await upsertRunReconcilerSchedule(client, workspaceId);
}
