/**
 * A workspace's recurring workflow as a Temporal Schedule, created or (when it exists) updated to the given interval
 * and action, so calling it at every worker start is idempotent. Overlapping runs are skipped.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { journeyTaskQueue } from '@wakeflow/journey';

export async function upsertIntervalSchedule(
  client: Client,
  schedule: {
    scheduleId: string;
    workspaceId: string;
    everyMinutes: number;
    workflowType: string;
    args: unknown[];
  },
): Promise<void> {
  const { scheduleId, workspaceId, everyMinutes, workflowType, args } = schedule;
  const spec = { intervals: [{ every: `${everyMinutes} minutes` as const }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType,
    args,
    taskQueue: journeyTaskQueue(workspaceId),
    workflowId: scheduleId,
  };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP };
  try {
    await client.schedule.create({ scheduleId, spec, action, policies });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action }));
  }
}
