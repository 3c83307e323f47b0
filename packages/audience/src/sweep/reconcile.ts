/**
 * Audience-sweep schedules derived from the database, so publishing and Temporal cannot disagree for long. The
 * live versions are the truth: a publish syncs its schedule after the commit when Temporal answers, and this
 * reconciler (at worker start and every few minutes) creates missing schedules, fixes ones whose interval or action
 * drifted, and deletes those of journeys that are no longer live with an audience trigger.
 */
import { ScheduleNotFoundError, type Client, type ScheduleDescription } from '@temporalio/client';
import { isDeepStrictEqual } from 'node:util';
import { and, eq } from 'drizzle-orm';
import { journeyVersions, journeys, type Database } from '@wakeflow/db';
import { journeyTaskQueue, type Plan } from '@wakeflow/journey';
import { audienceScheduleId, deleteAudienceSchedule, upsertAudienceSchedule } from './schedule';
import { AUDIENCE_SWEEP_WORKFLOW, type AudienceSweepInput } from './types';

const DEFAULT_EVERY_MINUTES = 60;

/** How often a live plan's trigger sweeps, or null when the trigger is not an audience trigger. */
export function sweepEveryMinutes(
  trigger: Pick<Plan['trigger'], 'type' | 'config'> | undefined,
): number | null {
  if (trigger?.type !== 'audience_trigger') return null;
  const every = trigger.config.everyMinutes;
  return typeof every === 'number' && every > 0 ? every : DEFAULT_EVERY_MINUTES;
}

/** Brings one journey's schedule in line with the plan that just went live (null: nothing is live). */
export async function syncAudienceSchedule(
  client: Client,
  input: { workspaceId: string; journeyId: string; plan: Pick<Plan, 'trigger'> | null },
): Promise<{ scheduleId: string | null }> {
  const everyMinutes = sweepEveryMinutes(input.plan?.trigger);
  if (everyMinutes === null) {
    await deleteAudienceSchedule(client, input.workspaceId, input.journeyId);
    return { scheduleId: null };
  }
  const scheduleId = await upsertAudienceSchedule(client, {
    workspaceId: input.workspaceId,
    journeyId: input.journeyId,
    everyMinutes,
  });
  return { scheduleId };
}

/** Journeys of the workspace that are live with an audience trigger, with their sweep interval. */
export async function liveAudienceSweeps(db: Database, workspaceId: string): Promise<Map<string, number>> {
  const rows = await db
    .select({ journeyId: journeys.id, plan: journeyVersions.plan })
    .from(journeys)
    .innerJoin(
      journeyVersions,
      and(eq(journeyVersions.journeyId, journeys.id), eq(journeyVersions.version, journeys.liveVersion)),
    )
    .where(
      and(
        eq(journeys.workspaceId, workspaceId),
        eq(journeys.status, 'live'),
        eq(journeyVersions.triggerType, 'audience_trigger'),
      ),
    );
  const sweeps = new Map<string, number>();
  for (const row of rows) {
    const trigger = (row.plan as { trigger?: Plan['trigger'] }).trigger;
    const every = sweepEveryMinutes(trigger);
    if (every !== null) sweeps.set(row.journeyId, every);
  }
  return sweeps;
}

function matches(
  described: ScheduleDescription,
  expected: { everyMinutes: number; taskQueue: string; input: AudienceSweepInput },
): boolean {
  const intervals = described.spec.intervals ?? [];
  const action = described.action;
  return (
    intervals.length === 1 &&
    intervals[0]?.every === expected.everyMinutes * 60_000 &&
    action.type === 'startWorkflow' &&
    action.workflowType === AUDIENCE_SWEEP_WORKFLOW &&
    action.taskQueue === expected.taskQueue &&
    isDeepStrictEqual(action.args, [expected.input])
  );
}

export interface ScheduleReconciliation {
  created: string[];
  updated: string[];
  deleted: string[];
  unchanged: number;
}

/**
 * One pass for a workspace. Listing schedules is eventually consistent (Temporal's visibility), so a schedule
 * deleted or created a moment ago may be handled on the next pass; each step is idempotent.
 */
export async function reconcileAudienceSchedules(
  client: Client,
  db: Database,
  workspaceId: string,
): Promise<ScheduleReconciliation> {
  const result: ScheduleReconciliation = { created: [], updated: [], deleted: [], unchanged: 0 };
  const wanted = await liveAudienceSweeps(db, workspaceId);
  const taskQueue = journeyTaskQueue(workspaceId);
  for (const [journeyId, everyMinutes] of wanted) {
    const scheduleId = audienceScheduleId(workspaceId, journeyId);
    let described: ScheduleDescription | undefined;
    try {
      described = await client.schedule.getHandle(scheduleId).describe();
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
    }
    if (described && matches(described, { everyMinutes, taskQueue, input: { workspaceId, journeyId } })) {
      result.unchanged += 1;
      continue;
    }
    await upsertAudienceSchedule(client, { workspaceId, journeyId, everyMinutes, taskQueue });
    (described ? result.updated : result.created).push(journeyId);
  }
  // Schedule ids are `audience-sweep/<workspace>/<journey>`; a journey id never contains a slash.
  const prefix = audienceScheduleId(workspaceId, '');
  for await (const summary of client.schedule.list()) {
    if (!summary.scheduleId.startsWith(prefix)) continue;
    const journeyId = summary.scheduleId.slice(prefix.length);
    if (journeyId === '' || journeyId.includes('/') || wanted.has(journeyId)) continue;
    await deleteAudienceSchedule(client, workspaceId, journeyId);
    result.deleted.push(journeyId);
  }
  return result;
}
