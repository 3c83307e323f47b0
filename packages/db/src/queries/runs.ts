/**
 * Run bookkeeping written by the journey activities. Every write is idempotent, because Temporal may retry an
 * activity after it already took effect.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { RunStatus } from '@wakeflow/journey';
import type { Database } from '../client';
import { runs, runSteps } from '../schema/index';

export async function registerRunRecord(
  db: Database,
  run: {
    runId: string;
    workspaceId: string;
    workflowId: string;
    journeyId: string;
    version: number;
    customerId: string;
    entry: number;
    holdout: boolean;
    startedAt: Date;
  },
): Promise<void> {
  await db
    .insert(runs)
    .values({
      id: run.runId,
      workspaceId: run.workspaceId,
      workflowId: run.workflowId,
      journeyId: run.journeyId,
      version: run.version,
      customerId: run.customerId,
      entry: run.entry,
      holdout: run.holdout,
      startedAt: run.startedAt,
    })
    // The run starter writes the row first (entry limits count it at once); the run's own clock says when it began.
    .onConflictDoUpdate({ target: runs.id, set: { startedAt: run.startedAt } });
}

export async function recordRunStep(
  db: Database,
  step: {
    runId: string;
    workspaceId: string;
    nodeId: string;
    seq: number;
    at: Date;
    previousOutcome?: string;
    splitArm?: { stepId: string; arm: string; holdout: boolean };
  },
): Promise<void> {
  await db.transaction(async (tx) => {
    if (step.seq > 0) {
      await tx
        .update(runSteps)
        .set({ leftAt: step.at, outcome: step.previousOutcome ?? null })
        .where(and(eq(runSteps.runId, step.runId), eq(runSteps.seq, step.seq - 1), isNull(runSteps.leftAt)));
    }
    await tx
      .insert(runSteps)
      .values({
        workspaceId: step.workspaceId,
        runId: step.runId,
        nodeId: step.nodeId,
        seq: step.seq,
        enteredAt: step.at,
      })
      .onConflictDoNothing();
    await tx
      .update(runs)
      .set({
        currentNodeId: step.nodeId,
        ...(step.splitArm
          ? {
              arms: sql`${runs.arms} || jsonb_build_object(${step.splitArm.stepId}::text, ${step.splitArm.arm}::text)`,
              ...(step.splitArm.holdout ? { holdout: true } : {}),
            }
          : {}),
      })
      .where(and(eq(runs.id, step.runId), eq(runs.workspaceId, step.workspaceId)));
  });
}

export async function finishRunRecord(
  db: Database,
  input: {
    runId: string;
    workspaceId: string;
    outcome: string;
    at: Date;
    lastSeq: number;
    status?: 'completed' | 'failed' | 'cancelled';
  },
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(runSteps)
      .set({ leftAt: input.at, outcome: input.outcome })
      .where(and(eq(runSteps.runId, input.runId), eq(runSteps.seq, input.lastSeq), isNull(runSteps.leftAt)));
    await tx
      .update(runs)
      .set({
        status: input.status ?? 'completed',
        outcome: input.outcome,
        endedAt: input.at,
        currentNodeId: null,
      })
      .where(and(eq(runs.id, input.runId), eq(runs.workspaceId, input.workspaceId)));
  });
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
