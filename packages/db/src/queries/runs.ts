/**
 * Run bookkeeping written by the journey activities. Every write is idempotent, because Temporal may retry an
 * activity after it already took effect.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { RunStatus } from '@wakeflow/journey';
import type { Database } from '../client';
import { runs } from '../schema/index';

export interface RunRegistrationRecord {
  runId: string;
  workspaceId: string;
  workflowId: string;
  journeyId: string;
  version: number;
  customerId: string;
  entry: number;
  holdout: boolean;
  startedAt: Date;
}

/** A step the run entered; the outcome of the step before it arrives with it. */
export interface RunStepWrite {
  nodeId: string;
  /** 0 for the trigger, then +1 per step: with the run, the key that makes a repeated write a no-op. */
  seq: number;
  at: Date;
  previousOutcome?: string;
  splitArm?: { stepId: string; arm: string; holdout: boolean };
}

export interface RunFinishWrite {
  outcome: string;
  at: Date;
  lastSeq: number;
  status?: 'completed' | 'failed' | 'cancelled';
}

/**
 * A run's bookkeeping since its last write, in one statement (so in one transaction, with one round trip): its
 * registration (first write only), the steps it entered in order, and its finish. Idempotent, so an activity retried
 * after it took effect changes nothing: steps are inserted keyed by run + seq (a step already there is kept), a step
 * is left only once, and a finished run's current step is never set again.
 */
export async function writeRunRecords(
  db: Database,
  records: {
    runId: string;
    workspaceId: string;
    registration?: Omit<RunRegistrationRecord, 'runId' | 'workspaceId'>;
    steps: readonly RunStepWrite[];
    finish?: RunFinishWrite;
  },
): Promise<void> {
  const { runId, workspaceId, registration, steps, finish } = records;
  const first = steps[0];
  const last = steps.at(-1);
  // Each step is left when the next one is entered, the last one by the finish (the run finishes at its last step).
  const rows = steps.map((step, i) => {
    const next = steps[i + 1];
    const leaving = next
      ? { at: next.at, outcome: next.previousOutcome ?? null }
      : finish && finish.lastSeq === step.seq
        ? { at: finish.at, outcome: finish.outcome }
        : undefined;
    return {
      node_id: step.nodeId,
      seq: step.seq,
      entered_at: step.at.toISOString(),
      left_at: leaving?.at.toISOString() ?? null,
      outcome: leaving?.outcome ?? null,
    };
  });
  // A step written before this batch that it leaves: the one before its first step, or the one the run finishes at.
  const leftBefore =
    first && first.seq > 0
      ? { seq: first.seq - 1, at: first.at, outcome: first.previousOutcome ?? null }
      : !first && finish
        ? { seq: finish.lastSeq, at: finish.at, outcome: finish.outcome }
        : undefined;
  const arms = steps.flatMap((step) => (step.splitArm ? [step.splitArm] : []));
  const armsTaken = JSON.stringify(Object.fromEntries(arms.map((a) => [a.stepId, a.arm])));
  const holdoutArm = arms.some((a) => a.holdout);

  const ctes = [
    ...(leftBefore
      ? [
          sql`left_before as (
            update run_steps set left_at = ${leftBefore.at.toISOString()}::timestamptz, outcome = ${leftBefore.outcome}
            where run_id = ${runId} and seq = ${leftBefore.seq} and left_at is null)`,
        ]
      : []),
    ...(rows.length
      ? [
          sql`entered as (
            insert into run_steps (workspace_id, run_id, node_id, seq, entered_at, left_at, outcome)
            select ${workspaceId}, ${runId}, s.node_id, s.seq, s.entered_at, s.left_at, s.outcome
            from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
              as s(node_id text, seq integer, entered_at timestamptz, left_at timestamptz, outcome text)
            on conflict (run_id, seq) do nothing)`,
        ]
      : []),
  ];
  // What the run's row says now: finished, or at its last step while it still runs; and the split arms taken.
  const changes = [
    ...(finish
      ? [
          sql`status = ${finish.status ?? 'completed'}`,
          sql`outcome = ${finish.outcome}`,
          sql`ended_at = ${finish.at.toISOString()}::timestamptz`,
          sql`current_node_id = null`,
        ]
      : last
        ? [
            sql`current_node_id = case when runs.status = 'running' then ${last.nodeId} else runs.current_node_id end`,
          ]
        : []),
    ...(arms.length ? [sql`arms = runs.arms || ${armsTaken}::jsonb`] : []),
    ...(holdoutArm ? [sql`holdout = true`] : []),
  ];
  let change: SQL;
  if (registration) {
    const r = registration;
    change = sql`insert into runs (id, workspace_id, workflow_id, journey_id, version, customer_id, entry, holdout,
        started_at, current_node_id, arms)
      values (${runId}, ${workspaceId}, ${r.workflowId}, ${r.journeyId}, ${r.version}, ${r.customerId}, ${r.entry},
        ${r.holdout || holdoutArm}, ${r.startedAt.toISOString()}::timestamptz, ${last?.nodeId ?? null}, ${armsTaken}::jsonb)
      -- The run starter writes the row first (entry limits count it at once); the run's own clock says when it began.
      on conflict (id) do update set ${sql.join([sql`started_at = excluded.started_at`, ...changes], sql`, `)}`;
  } else if (changes.length) {
    change = sql`update runs set ${sql.join(changes, sql`, `)}
      where id = ${runId} and workspace_id = ${workspaceId}${finish ? sql`` : sql` and status = 'running'`}`;
  } else change = sql`select 1`;
  await db.execute(ctes.length ? sql`with ${sql.join(ctes, sql`, `)} ${change}` : change);
}

export async function registerRunRecord(db: Database, run: RunRegistrationRecord): Promise<void> {
  const { runId, workspaceId, ...registration } = run;
  await writeRunRecords(db, { runId, workspaceId, registration, steps: [] });
}

export async function recordRunStep(
  db: Database,
  step: RunStepWrite & { runId: string; workspaceId: string },
): Promise<void> {
  const { runId, workspaceId, ...entered } = step;
  await writeRunRecords(db, { runId, workspaceId, steps: [entered] });
}

export async function finishRunRecord(
  db: Database,
  input: RunFinishWrite & { runId: string; workspaceId: string },
): Promise<void> {
  const { runId, workspaceId, ...finish } = input;
  await writeRunRecords(db, { runId, workspaceId, steps: [], finish });
}

/**
 * Ends a run that did not reach an exit: failed or cancelled (recorded by the run), terminated, timed out or lost
 * (recorded by the reconciler). Only a run still `running` changes, so a run that completed keeps its outcome and a
 * retried or late call is harmless. The step it was at stays its current step, which is where it stopped.
 */
export async function endRunRecord(
  db: Database,
  input: {
    runId: string;
    workspaceId: string;
    status: Exclude<RunStatus, 'running' | 'completed'>;
    reason: string;
    at: Date;
  },
): Promise<boolean> {
  const ended = await db
    .update(runs)
    .set({ status: input.status, endedReason: input.reason, endedAt: input.at })
    .where(and(eq(runs.id, input.runId), eq(runs.workspaceId, input.workspaceId), eq(runs.status, 'running')))
    .returning({ id: runs.id });
  return ended.length > 0;
}
