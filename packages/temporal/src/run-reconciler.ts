/**
 * The run reconciler: finds runs the database still calls `running` whose workflow has closed without saying so —
 * terminated or timed out (no workflow code runs then), failed or cancelled before runs recorded that themselves,
 * or gone from Temporal altogether — and ends them with the status Temporal reports. Without it such runs would
 * count as live for ever and keep being signalled. It visits a bounded batch of the least recently checked runs
 * that have been quiet for a while, so repeated passes cover every open run.
 */
import { Context } from '@temporalio/activity';
import {
  ScheduleOverlapPolicy,
  WorkflowNotFoundError,
  type Client,
  type WorkflowExecutionStatusName,
} from '@temporalio/client';
import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { endRunRecord, runs, type Database } from '@wakeflow/db';
import type { RunStatus } from '@wakeflow/journey';
import type { RunReconciliationActivities } from '@wakeflow/workflows';
import { upsertIntervalSchedule } from './interval-schedule';

export interface RunReconcileOptions {
  workspaceId: string;
  /** Defaults to the current time; tests on a time-skipping server pass the server's time. */
  now?: Date;
  /** Runs started (or last checked) less than this long ago are left alone. */
  quietForMs?: number;
  /** Workflows described per pass. */
  limit?: number;
}

export interface RunReconcileResult {
  checked: number;
  ended: { runId: string; status: RunStatus; reason: string }[];
}

const DESCRIBE_CONCURRENCY = 16;

type ClosedStatus = Exclude<RunStatus, 'running' | 'completed'>;

/** How a closed workflow's status is recorded; `undefined` means the run wrote (or will write) its own end. */
function endFor(status: WorkflowExecutionStatusName): { status: ClosedStatus; reason: string } | undefined {
  switch (status) {
    case 'TERMINATED':
      return { status: 'terminated', reason: 'The workflow was terminated in Temporal' };
    case 'TIMED_OUT':
      return { status: 'timed_out', reason: 'The workflow reached its execution timeout in Temporal' };
    case 'FAILED':
      return { status: 'failed', reason: 'The workflow failed (found closed by the run reconciler)' };
    case 'CANCELLED':
      return {
        status: 'cancelled',
        reason: 'The workflow was cancelled (found closed by the run reconciler)',
      };
    default:
      // RUNNING and PAUSED are open; COMPLETED wrote its outcome before closing.
      return undefined;
  }
}

export async function reconcileRuns(
  db: Database,
  client: Client,
  options: RunReconcileOptions,
): Promise<RunReconcileResult> {
  const now = options.now ?? new Date();
  const quietSince = new Date(now.getTime() - (options.quietForMs ?? 15 * 60_000));
  const candidates = await db
    .select({ id: runs.id, workflowId: runs.workflowId, cohortWorkflowId: runs.cohortWorkflowId })
    .from(runs)
    .where(
      and(
        eq(runs.workspaceId, options.workspaceId),
        eq(runs.status, 'running'),
        lt(runs.startedAt, quietSince),
        or(isNull(runs.checkedAt), lt(runs.checkedAt, quietSince)),
      ),
    )
    .orderBy(sql`coalesce(${runs.checkedAt}, ${runs.startedAt})`)
    .limit(options.limit ?? 200);

  const ended: RunReconcileResult['ended'] = [];
  const stillOpen: string[] = [];
  for (let i = 0; i < candidates.length; i += DESCRIBE_CONCURRENCY) {
    await Promise.all(
      candidates.slice(i, i + DESCRIBE_CONCURRENCY).map(async (run) => {
        let end: { status: ClosedStatus; reason: string } | undefined;
        let at = now;
        try {
          // A cohort member lives and ends with its cohort's workflow.
          const description = await client.workflow
            .getHandle(run.cohortWorkflowId ?? run.workflowId)
            .describe();
          end = endFor(description.status.name);
          at = description.closeTime ?? now;
        } catch (error) {
          // Deleted after its retention period, or never started on this cluster: nothing of it can run again.
          if (!(error instanceof WorkflowNotFoundError)) throw error;
          end = { status: 'failed', reason: 'The workflow no longer exists in Temporal' };
        }
        if (!end) {
          stillOpen.push(run.id);
          return;
        }
        const changed = await endRunRecord(db, {
          runId: run.id,
          workspaceId: options.workspaceId,
          ...end,
          at,
        });
        if (changed) ended.push({ runId: run.id, ...end });
      }),
    );
  }
  if (stillOpen.length > 0) {
    await db.update(runs).set({ checkedAt: now }).where(inArray(runs.id, stillOpen));
  }
  return { checked: candidates.length, ended };
}

/** The activity the `runReconciliation` workflow calls, with the worker's own client. */
export function createRunReconcilerActivities(db: Database): RunReconciliationActivities {
  return {
    async reconcileOpenRuns({ workspaceId }) {
      const result = await reconcileRuns(db, Context.current().client, { workspaceId });
      return { checked: result.checked, ended: result.ended.length };
    },
  };
}

export const RUN_RECONCILER_EVERY_MINUTES = 15;

/**
 * Creates or updates the workspace's reconciler schedule (idempotent, done at every worker start) and starts one
 * pass now, so runs left open while no worker ran are settled at start rather than up to 15 minutes later.
 */
export async function upsertRunReconcilerSchedule(client: Client, workspaceId: string): Promise<void> {
  const scheduleId = `run-reconciler/${workspaceId}`;
  await upsertIntervalSchedule(client, {
    scheduleId,
    workspaceId,
    everyMinutes: RUN_RECONCILER_EVERY_MINUTES,
    workflowType: 'runReconciliation',
    args: [{ workspaceId }],
  });
  await client.schedule.getHandle(scheduleId).trigger(ScheduleOverlapPolicy.SKIP);
}
