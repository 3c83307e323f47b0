/**
 * Run bookkeeping for many runs in one transaction (the cohort executor): the same rows and the same idempotent
 * writes as `registerRunRecord`, `recordRunStep`, `finishRunRecord` and `endRunRecord` in ./runs.ts, one statement
 * per kind for the whole batch. A retried batch changes nothing that already took effect.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../client';

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
  steps: {
    runId: string;
    nodeId: string;
    seq: number;
    at: Date;
    previousOutcome?: string;
    splitArm?: { stepId: string; arm: string; holdout: boolean };
  }[];
  finished: { runId: string; outcome: string; at: Date; lastSeq: number }[];
  ended: { runId: string; status: 'failed' | 'cancelled'; reason: string; at: Date }[];
}

const iso = (d: Date) => d.toISOString();

export async function recordRunBatch(db: Database, batch: RunBatchRecords): Promise<void> {
  const { workspaceId } = batch;
  await db.transaction(async (tx) => {
    // One batch of a journey at a time: the analytics triggers fold a batch's steps into the journey's daily rollup
    // rows, and two batches folding into the same rows in different orders would deadlock.
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtextextended(${`run-batch:${batch.journeyId}`}, 0))`,
    );
    // Every statement reads its rows from arrays (unnest): a multi-row VALUES of a thousand rows costs PostgreSQL more
    // to parse and plan than the write itself, and these run under the journey's lock.
    const { registered } = batch;
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
    const { steps } = batch;
    if (steps.length > 0) {
      const left = steps.filter((s) => s.seq > 0);
      if (left.length > 0)
        await tx.execute(sql`
          update run_steps s set left_at = v.at, outcome = v.outcome
          from unnest(${sql.param(left.map((s) => s.runId))}::uuid[], ${sql.param(left.map((s) => s.seq - 1))}::int[],
                      ${sql.param(left.map((s) => iso(s.at)))}::timestamptz[],
                      ${sql.param(left.map((s) => s.previousOutcome ?? null))}::text[]) as v(run_id, seq, at, outcome)
          where s.run_id = v.run_id and s.seq = v.seq and s.left_at is null`);
      await tx.execute(sql`
        insert into run_steps (workspace_id, run_id, node_id, seq, entered_at)
        select ${workspaceId}, v.run_id, v.node_id, v.seq, v.at
        from unnest(${sql.param(steps.map((s) => s.runId))}::uuid[], ${sql.param(steps.map((s) => s.nodeId))}::text[],
                    ${sql.param(steps.map((s) => s.seq))}::int[], ${sql.param(steps.map((s) => iso(s.at)))}::timestamptz[])
          as v(run_id, node_id, seq, at)
        on conflict do nothing`);
      await tx.execute(sql`
        update runs r set current_node_id = v.node_id,
          arms = case when v.arm_step is null then r.arms else r.arms || jsonb_build_object(v.arm_step, v.arm) end,
          holdout = r.holdout or coalesce(v.arm_holdout, false)
        from unnest(${sql.param(steps.map((s) => s.runId))}::uuid[], ${sql.param(steps.map((s) => s.nodeId))}::text[],
                    ${sql.param(steps.map((s) => s.splitArm?.stepId ?? null))}::text[],
                    ${sql.param(steps.map((s) => s.splitArm?.arm ?? null))}::text[],
                    ${sql.param(steps.map((s) => s.splitArm?.holdout ?? null))}::boolean[])
          as v(id, node_id, arm_step, arm, arm_holdout)
        where r.id = v.id and r.workspace_id = ${workspaceId}`);
    }
    const { finished } = batch;
    if (finished.length > 0) {
      const ids = sql.param(finished.map((f) => f.runId));
      const ats = sql.param(finished.map((f) => iso(f.at)));
      const outcomes = sql.param(finished.map((f) => f.outcome));
      await tx.execute(sql`
        update run_steps s set left_at = v.at, outcome = v.outcome
        from unnest(${ids}::uuid[], ${sql.param(finished.map((f) => f.lastSeq))}::int[], ${ats}::timestamptz[],
                    ${outcomes}::text[]) as v(run_id, seq, at, outcome)
        where s.run_id = v.run_id and s.seq = v.seq and s.left_at is null`);
      await tx.execute(sql`
        update runs r set status = 'completed', outcome = v.outcome, ended_at = v.at, current_node_id = null
        from unnest(${ids}::uuid[], ${ats}::timestamptz[], ${outcomes}::text[]) as v(id, at, outcome)
        where r.id = v.id and r.workspace_id = ${workspaceId}`);
    }
    const { ended } = batch;
    if (ended.length > 0) {
      // Only a run still running changes, as in `endRunRecord`.
      await tx.execute(sql`
        update runs r set status = v.status, ended_reason = v.reason, ended_at = v.at
        from unnest(${sql.param(ended.map((e) => e.runId))}::uuid[], ${sql.param(ended.map((e) => e.status))}::text[],
                    ${sql.param(ended.map((e) => e.reason))}::text[], ${sql.param(ended.map((e) => iso(e.at)))}::timestamptz[])
          as v(id, status, reason, at)
        where r.id = v.id and r.workspace_id = ${workspaceId} and r.status = 'running'`);
    }
  });
}
