/**
 * Temporal Schedules that drive the audience area: one per audience-triggered journey (interval from the
 * trigger's `everyMinutes`), and one per workspace for maintenance (orphan events, RFM). Creating is idempotent:
 * an existing schedule is updated to the new interval instead.
 */
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
} from '@temporalio/client';
import { journeyTaskQueue } from '@wakeflow/journey';
import { AUDIENCE_MAINTENANCE_WORKFLOW, AUDIENCE_SWEEP_WORKFLOW, type AudienceSweepInput } from './types';

export function audienceScheduleId(workspaceId: string, journeyId: string): string {
  return `audience-sweep/${workspaceId}/${journeyId}`;
}

export function maintenanceScheduleId(workspaceId: string): string {
  return `audience-maintenance/${workspaceId}`;
}

async function upsertSchedule(
  client: Client,
  scheduleId: string,
  everyMinutes: number,
  action: { workflowType: string; args: unknown[]; taskQueue: string; workflowId: string },
): Promise<void> {
  const spec = { intervals: [{ every: `${everyMinutes} minutes` as const }] };
  // SKIP: a sweep still running when the next is due is not doubled; the next interval catches up.
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' as const };
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      policies,
      action: { type: 'startWorkflow', ...action },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(scheduleId).update((previous) => ({
      ...previous,
      spec,
      policies: { ...previous.policies, ...policies },
      action: { type: 'startWorkflow', ...action },
    }));
  }
}

/** Call when a journey with an audience trigger goes live or its interval changes. */
export async function upsertAudienceSchedule(
  client: Client,
  input: { workspaceId: string; journeyId: string; everyMinutes: number; taskQueue?: string },
): Promise<string> {
  const scheduleId = audienceScheduleId(input.workspaceId, input.journeyId);
  const args: [AudienceSweepInput] = [{ workspaceId: input.workspaceId, journeyId: input.journeyId }];
  await upsertSchedule(client, scheduleId, input.everyMinutes, {
    workflowType: AUDIENCE_SWEEP_WORKFLOW,
    args,
    taskQueue: input.taskQueue ?? journeyTaskQueue(input.workspaceId),
    // Temporal appends the scheduled time, so every sweep has its own id (and sweep key).
    workflowId: scheduleId,
  });
  return scheduleId;
}

/** Call when the journey is paused, archived, or no longer has an audience trigger. */
export async function deleteAudienceSchedule(
  client: Client,
  workspaceId: string,
  journeyId: string,
): Promise<void> {
  try {
    await client.schedule.getHandle(audienceScheduleId(workspaceId, journeyId)).delete();
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
  }
}

/**
 * Runs the journey's audience sweep now ("check now", and right after a publish) instead of at its next interval.
 * A sweep still running is not doubled: this one waits for it (BUFFER_ONE). False when there is no schedule.
 */
export async function triggerAudienceSchedule(
  client: Client,
  workspaceId: string,
  journeyId: string,
): Promise<boolean> {
  try {
    await client.schedule
      .getHandle(audienceScheduleId(workspaceId, journeyId))
      .trigger(ScheduleOverlapPolicy.BUFFER_ONE);
    return true;
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return false;
    throw error;
  }
}

/** When the journey's audience sweep next runs, or null without a schedule. */
export async function nextAudienceCheck(
  client: Client,
  workspaceId: string,
  journeyId: string,
): Promise<Date | null> {
  try {
    const described = await client.schedule.getHandle(audienceScheduleId(workspaceId, journeyId)).describe();
    return described.info.nextActionTimes[0] ?? null;
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return null;
    throw error;
  }
}

/** Orphan-event attachment and RFM recompute for a workspace, by default daily. */
export async function upsertMaintenanceSchedule(
  client: Client,
  input: { workspaceId: string; everyMinutes?: number; taskQueue?: string },
): Promise<string> {
  const scheduleId = maintenanceScheduleId(input.workspaceId);
  await upsertSchedule(client, scheduleId, input.everyMinutes ?? 1440, {
    workflowType: AUDIENCE_MAINTENANCE_WORKFLOW,
    args: [{ workspaceId: input.workspaceId }],
    taskQueue: input.taskQueue ?? journeyTaskQueue(input.workspaceId),
    workflowId: scheduleId,
  });
  return scheduleId;
}
