/**
 * Run bookkeeping for many runs in one transaction (the cohort executor): the same rows and the same idempotent
 * writes as `writeRunRecords` and `endRunRecord` in ./runs.ts, one statement per kind for the whole batch. A batch may
 * carry several steps of a run (a cohort's folded bookkeeping). A retried batch changes nothing that already took
 * effect.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../client';
import { planStepWrites, type RunFinishRow, type RunStepRow } from './runs';

export interface RunBatchRecords {
  workspaceId: string;
  journeyId: string;
  version: number;
  /** The run's business key for each registered run (its messages' idempotency keys derive from it). */
  registered: {
    runId: string;
    workflowId: string;
    cohortWorkflowId: string;
    customerId: string;
    entry: number;
    holdout: boolean;
    startedAt: Date;
  }[];
  /** Steps entered, several per run allowed. */
  steps: RunStepRow[];
  finished: RunFinishRow[];
  ended: { runId: string; status: 'failed' | 'cancelled'; reason: string; at: Date }[];
}

const iso = (d: Date) => d.toISOString();

export async function recordRunBatch(db: Database, batch: RunBatchRecords): Promise<void> {
  const { workspaceId } = batch;
  const { registered, steps, finished, ended } = batch;
  const plan = planStepWrites(steps, finished);
  await db.transaction(async (tx) => {
    // First what folds into no shared analytics row: each run's own row (a batch's runs are its own). Every statement
    // reads its rows from arrays (unnest): a multi-row VALUES of a thousand rows costs PostgreSQL more to parse and
    // plan than the write itself.
    if (registered.length > 0)
      await tx.execute(sql`
        insert into runs (id, workspace_id, workflow_id, cohort_workflow_id, journey_id, version, customer_id, entry,
                          holdout, started_at)
        select v.id, ${workspaceId}, v.workflow_id, v.cohort, ${batch.journeyId}::uuid, ${batch.version}, v.customer_id,
               v.entry, v.holdout, v.started_at
        from unnest(${sql.param(registered.map((r) => r.runId))}::uuid[],
                    ${sql.param(registered.map((r) => r.workflowId))}::text[],
                    ${sql.param(registered.map((r) => r.cohortWorkflowId))}::text[],
                    ${sql.param(registered.map((r) => r.customerId))}::uuid[],
                    ${sql.param(registered.map((r) => r.entry))}::int[],
                    ${sql.param(registered.map((r) => r.holdout))}::boolean[],
                    ${sql.param(registered.map((r) => iso(r.startedAt)))}::timestamptz[])
          as v(id, workflow_id, cohort, customer_id, entry, holdout, started_at)
        -- The starter wrote the rows first (entry limits count them at once); the run's own clock says when it began.
        on conflict (id) do update set started_at = excluded.started_at
          where runs.started_at is distinct from excluded.started_at`);
    if (plan.runs.length > 0) {
      // The step each run is at; its split arms follow under the lock (an arm moves the run's analytics).
      const moved = plan.runs;
      await tx.execute(sql`
        update runs r set current_node_id = v.node_id
        from unnest(${sql.param(moved.map((m) => m.runId))}::uuid[], ${sql.param(moved.map((m) => m.nodeId))}::text[])
          as v(id, node_id)
        where r.id = v.id and r.workspace_id = ${workspaceId} and r.status = 'running'
          and r.current_node_id is distinct from v.node_id`);
    }
    if (finished.length > 0)
      await tx.execute(sql`
        update runs r set status = 'completed', outcome = v.outcome, ended_at = v.at, current_node_id = null
        from unnest(${sql.param(finished.map((f) => f.runId))}::uuid[],
                    ${sql.param(finished.map((f) => iso(f.at)))}::timestamptz[],
                    ${sql.param(finished.map((f) => f.outcome))}::text[]) as v(id, at, outcome)
        where r.id = v.id and r.workspace_id = ${workspaceId}`);
    if (ended.length > 0)
      // Only a run still running changes, as in `endRunRecord`.
      await tx.execute(sql`
        update runs r set status = v.status, ended_reason = v.reason, ended_at = v.at
        from unnest(${sql.param(ended.map((e) => e.runId))}::uuid[], ${sql.param(ended.map((e) => e.status))}::text[],
                    ${sql.param(ended.map((e) => e.reason))}::text[], ${sql.param(ended.map((e) => iso(e.at)))}::timestamptz[])
          as v(id, status, reason, at)
        where r.id = v.id and r.workspace_id = ${workspaceId} and r.status = 'running'`);

    const armed = plan.runs.filter((m) => m.arms !== null || m.armHoldout);
    if (plan.leftBefore.length === 0 && plan.rows.length === 0 && armed.length === 0) return;
    // Then, one batch of a journey at a time, what the analytics triggers fold into the journey's rollup rows (steps
    // reached and left by node, a run's arm): two batches folding into the same rows in different orders would
    // deadlock. The lock is taken only now, so the runs' own rows above are written while other batches hold it.
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtextextended(${`run-batch:${batch.journeyId}`}, 0))`,
    );
    if (plan.leftBefore.length > 0) {
      const left = plan.leftBefore;
      await tx.execute(sql`
        update run_steps s set left_at = v.at, outcome = v.outcome
        from unnest(${sql.param(left.map((l) => l.runId))}::uuid[], ${sql.param(left.map((l) => l.seq))}::int[],
                    ${sql.param(left.map((l) => iso(l.at)))}::timestamptz[],
                    ${sql.param(left.map((l) => l.outcome))}::text[]) as v(run_id, seq, at, outcome)
        where s.run_id = v.run_id and s.seq = v.seq and s.left_at is null`);
    }
    if (plan.rows.length > 0) {
      const { rows } = plan;
      await tx.execute(sql`
        insert into run_steps (workspace_id, run_id, node_id, seq, entered_at, left_at, outcome)
        select ${workspaceId}, v.run_id, v.node_id, v.seq, v.at, v.left_at, v.outcome
        from unnest(${sql.param(rows.map((r) => r.runId))}::uuid[], ${sql.param(rows.map((r) => r.nodeId))}::text[],
                    ${sql.param(rows.map((r) => r.seq))}::int[], ${sql.param(rows.map((r) => iso(r.at)))}::timestamptz[],
                    ${sql.param(rows.map((r) => (r.leftAt ? iso(r.leftAt) : null)))}::timestamptz[],
                    ${sql.param(rows.map((r) => r.outcome))}::text[])
          as v(run_id, node_id, seq, at, left_at, outcome)
        on conflict do nothing`);
    }
    if (armed.length > 0)
      await tx.execute(sql`
        update runs r set
          arms = case when v.arms is null then r.arms else r.arms || v.arms::jsonb end,
          holdout = r.holdout or v.arm_holdout
        from unnest(${sql.param(armed.map((m) => m.runId))}::uuid[], ${sql.param(armed.map((m) => m.arms))}::text[],
                    ${sql.param(armed.map((m) => m.armHoldout))}::boolean[])
          as v(id, arms, arm_holdout)
        where r.id = v.id and r.workspace_id = ${workspaceId}`);
  });
}
