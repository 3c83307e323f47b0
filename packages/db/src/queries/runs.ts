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

/** A step entered by a given run, and a given run's finish: rows of writes for many runs (./run-batches.ts). */
export type RunStepRow = RunStepWrite & { runId: string };
export type RunFinishRow = Omit<RunFinishWrite, 'status'> & { runId: string };

/** The run-step and run writes that steps and finishes come to (see `planStepWrites`). */
export interface StepWritePlan {
  /** Steps written before that these leave: the one before a run's first step here, or a run's last step. */
  leftBefore: { runId: string; seq: number; at: Date; outcome: string | null }[];
  /** Steps entered, each left already when its successor or its run's finish is among them. */
  rows: {
    runId: string;
    nodeId: string;
    seq: number;
    at: Date;
    leftAt: Date | null;
    outcome: string | null;
  }[];
  /** Per run with steps here: the step it is at now, and the split arms it took (JSON, or null). */
  runs: { runId: string; nodeId: string; arms: string | null; armHoldout: boolean }[];
}

/**
 * The one rule of step records: each step is left when the next one is entered, the last one by the run's finish (a
 * run finishes at its last step); a run is at its last step entered and has taken the arms of its split steps. For
 * one run's write (`writeRunRecords`) or many runs' (`recordRunBatch`, where a run may have several steps, in any
 * order).
 */
export function planStepWrites(
  steps: readonly RunStepRow[],
  finished: readonly RunFinishRow[],
): StepWritePlan {
  const byRun = new Map<string, RunStepRow[]>();
  for (const step of steps) {
    const list = byRun.get(step.runId);
    if (list) list.push(step);
    else byRun.set(step.runId, [step]);
  }
  const finishOf = new Map(finished.map((f) => [f.runId, f]));
  const plan: StepWritePlan = { leftBefore: [], rows: [], runs: [] };
  for (const [runId, list] of byRun) {
    list.sort((a, b) => a.seq - b.seq);
    const finish = finishOf.get(runId);
    const first = list[0]!;
    if (first.seq > 0)
      plan.leftBefore.push({
        runId,
        seq: first.seq - 1,
        at: first.at,
        outcome: first.previousOutcome ?? null,
      });
    list.forEach((step, i) => {
      const next = list[i + 1];
      const leaving = next
        ? { at: next.at, outcome: next.previousOutcome ?? null }
        : finish && finish.lastSeq === step.seq
          ? { at: finish.at, outcome: finish.outcome }
          : undefined;
      plan.rows.push({
        runId,
        nodeId: step.nodeId,
        seq: step.seq,
        at: step.at,
        leftAt: leaving?.at ?? null,
        outcome: leaving?.outcome ?? null,
      });
    });
    const arms = list.flatMap((step) => (step.splitArm ? [step.splitArm] : []));
    plan.runs.push({
      runId,
      nodeId: list.at(-1)!.nodeId,
      arms: arms.length ? JSON.stringify(Object.fromEntries(arms.map((a) => [a.stepId, a.arm]))) : null,
      armHoldout: arms.some((a) => a.holdout),
    });
  }
  for (const finish of finished)
    if (!byRun.has(finish.runId))
      plan.leftBefore.push({
        runId: finish.runId,
        seq: finish.lastSeq,
        at: finish.at,
        outcome: finish.outcome,
      });
  return plan;
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
  const plan = planStepWrites(
    steps.map((step) => ({ runId, ...step })),
    finish ? [{ runId, ...finish }] : [],
  );
  const last = plan.runs[0];
  const leftBefore = plan.leftBefore[0];
  const rows = plan.rows.map((row) => ({
    node_id: row.nodeId,
    seq: row.seq,
    entered_at: row.at.toISOString(),
    left_at: row.leftAt?.toISOString() ?? null,
    outcome: row.outcome,
  }));
  const armsTaken = last?.arms ?? '{}';
  const holdoutArm = last?.armHoldout ?? false;

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
    ...(last?.arms ? [sql`arms = runs.arms || ${armsTaken}::jsonb`] : []),
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
