/**
 * Run bookkeeping written by the journey activities. Every write is idempotent, because Temporal may retry an
 * activity after it already took effect.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { RunStatus } from '@wakeflow/journey';
import type { Database } from '../client';
import { runs, runSteps } from '../schema/index';

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
 * A run's bookkeeping since its last write, in one transaction: its registration (first write only), the steps it
 * entered in order, and its finish. Idempotent, so an activity retried after it took effect changes nothing: steps
 * are inserted keyed by run + seq (a step already there is kept), a step is left only once, and a finished run's
 * current step is never set again.
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
  await db.transaction(async (tx) => {
    if (registration) {
      await tx
        .insert(runs)
        .values({ id: runId, workspaceId, ...registration })
        // The run starter writes the row first (entry limits count it at once); the run's own clock says when it began.
        .onConflictDoUpdate({ target: runs.id, set: { startedAt: registration.startedAt } });
    }
    // The step before the first written one is left when the first is entered.
    if (first && first.seq > 0) {
      await tx
        .update(runSteps)
        .set({ leftAt: first.at, outcome: first.previousOutcome ?? null })
        .where(and(eq(runSteps.runId, runId), eq(runSteps.seq, first.seq - 1), isNull(runSteps.leftAt)));
    }
    if (steps.length) {
      await tx
        .insert(runSteps)
        .values(
          steps.map((step, i) => {
            const next = steps[i + 1];
            return {
              workspaceId,
              runId,
              nodeId: step.nodeId,
              seq: step.seq,
              enteredAt: step.at,
              ...(next ? { leftAt: next.at, outcome: next.previousOutcome ?? null } : {}),
            };
          }),
        )
        .onConflictDoNothing();
    }
    if (finish) {
      await tx
        .update(runSteps)
        .set({ leftAt: finish.at, outcome: finish.outcome })
        .where(and(eq(runSteps.runId, runId), eq(runSteps.seq, finish.lastSeq), isNull(runSteps.leftAt)));
    }
    const arms = steps.flatMap((step) => (step.splitArm ? [step.splitArm] : []));
    if (!last && !finish && !arms.length) return;
    await tx
      .update(runs)
      .set({
        ...(finish
          ? {
              status: finish.status ?? 'completed',
              outcome: finish.outcome,
              endedAt: finish.at,
              currentNodeId: null,
            }
          : last
            ? { currentNodeId: last.nodeId }
            : {}),
        ...(arms.length
          ? {
              arms: sql`${runs.arms} || ${JSON.stringify(Object.fromEntries(arms.map((a) => [a.stepId, a.arm])))}::jsonb`,
              ...(arms.some((a) => a.holdout) ? { holdout: true } : {}),
            }
          : {}),
      })
      .where(
        and(
          eq(runs.id, runId),
          eq(runs.workspaceId, workspaceId),
          // A late retry of an earlier write must not move a finished run back onto a step.
          ...(finish ? [] : [eq(runs.status, 'running')]),
        ),
      );
  });
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
