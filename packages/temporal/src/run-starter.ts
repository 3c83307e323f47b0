/**
 * Enrols a customer into a journey: applies the re-entry policy, decides the holdout, and starts `journeyRun` with
 * a business-key workflow id. Temporal refuses a second workflow with the same id, so a repeated trigger (a retried
 * sweep page, an event delivered twice) can never start a duplicate run.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { and, desc, eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import {
  JOURNEY_RUN_WORKFLOW,
  durationToMs,
  isInHoldout,
  journeyRunWorkflowId,
  journeyTaskQueue,
  planSchema,
  type CustomerEventPayload,
  type JourneyRunInput,
} from '@wakeflow/journey';
import { experiments, journeyVersions, journeys, runs, type Database } from '@wakeflow/db';

export interface StartRunRequest {
  workspaceId: string;
  journeyId: string;
  customerId: string;
  /** Defaults to the journey's live version. */
  version?: number;
  entryEvent?: CustomerEventPayload;
  /** The trigger's clock for re-entry windows (defaults to now; tests pass virtual time). */
  now?: Date;
  /**
   * The entry number, when the trigger keeps its own count (the audience sweep does): a page redone after a crash
   * then finds the very run it started, even one that has already finished, instead of starting entry + 1.
   */
  entry?: number;
}

export type StartRunResult =
  | { started: true; workflowId: string; runId: string; entry: number; holdout: boolean }
  | {
      started: false;
      workflowId?: string;
      reason: 'not_live' | 'already_in_journey' | 'reentry_not_allowed' | 'duplicate';
    };

export interface JourneyRunStarter {
  startRun(request: StartRunRequest): Promise<StartRunResult>;
}

export function createRunStarter(deps: { db: Database; client: Client }): JourneyRunStarter {
  const { db, client } = deps;
  return {
    async startRun(request) {
      const [journey] = await db
        .select({ id: journeys.id, liveVersion: journeys.liveVersion, status: journeys.status })
        .from(journeys)
        .where(and(eq(journeys.id, request.journeyId), eq(journeys.workspaceId, request.workspaceId)));
      const version = request.version ?? journey?.liveVersion ?? undefined;
      if (!journey || version === undefined || (request.version === undefined && journey.status !== 'live')) {
        return { started: false, reason: 'not_live' };
      }
      const [row] = await db
        .select({ plan: journeyVersions.plan })
        .from(journeyVersions)
        .where(and(eq(journeyVersions.journeyId, journey.id), eq(journeyVersions.version, version)));
      if (!row) return { started: false, reason: 'not_live' };
      const plan = planSchema.parse(row.plan);

      const [last] = await db
        .select({ entry: runs.entry, status: runs.status, startedAt: runs.startedAt })
        .from(runs)
        .where(and(eq(runs.journeyId, journey.id), eq(runs.customerId, request.customerId)))
        .orderBy(desc(runs.startedAt))
        .limit(1);
      if (last) {
        if (last.status === 'running') return { started: false, reason: 'already_in_journey' };
        const reentry = plan.settings.reentry;
        if (reentry.mode === 'once') return { started: false, reason: 'reentry_not_allowed' };
        if (
          reentry.mode === 'after' &&
          (request.now ?? new Date()).getTime() - last.startedAt.getTime() < durationToMs(reentry.duration)
        ) {
          return { started: false, reason: 'reentry_not_allowed' };
        }
      }
      let entry = request.entry;
      if (entry === undefined) {
        const [{ maxEntry } = { maxEntry: 0 }] = await db
          .select({ maxEntry: runs.entry })
          .from(runs)
          .where(and(eq(runs.journeyId, journey.id), eq(runs.customerId, request.customerId)))
          .orderBy(desc(runs.entry))
          .limit(1);
        entry = maxEntry + 1;
      }
      const key = {
        workspaceId: request.workspaceId,
        journeyId: journey.id,
        version,
        customerId: request.customerId,
        entry,
      };
      const workflowId = journeyRunWorkflowId(key);
      const holdout = isInHoldout(journey.id, request.customerId, plan.settings.holdoutPercent);
      // Experiment winners of this version reach the run as input, so the workflow never reads them itself.
      const winners = await db
        .select({ stepId: experiments.splitStepId, arm: experiments.winnerArm })
        .from(experiments)
        .where(
          and(
            eq(experiments.workspaceId, request.workspaceId),
            eq(experiments.journeyId, journey.id),
            eq(experiments.version, version),
            eq(experiments.status, 'winner'),
          ),
        );
      const forcedArms = Object.fromEntries(
        winners.filter((w) => w.arm !== null).map((w) => [w.stepId, w.arm!]),
      );
      const input: JourneyRunInput = {
        runId: randomUUID(),
        ...key,
        plan,
        holdout,
        ...(winners.length > 0 ? { forcedArms } : {}),
        ...(request.entryEvent ? { entryEvent: request.entryEvent } : {}),
      };
      try {
        await client.workflow.start(JOURNEY_RUN_WORKFLOW, {
          workflowId,
          taskQueue: journeyTaskQueue(request.workspaceId),
          args: [input],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError)
          return { started: false, workflowId, reason: 'duplicate' };
        throw error;
      }
      return { started: true, workflowId, runId: input.runId, entry, holdout };
    },
  };
}
