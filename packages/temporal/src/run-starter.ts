/**
 * Enrols a customer into a journey: applies the re-entry policy, decides the holdout, and starts `journeyRun` with
 * a business-key workflow id. Temporal refuses a second workflow with the same id, so a repeated trigger (a retried
 * sweep page, an event delivered twice) can never start a duplicate run.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { and, desc, eq, sql } from 'drizzle-orm';
import {
  JOURNEY_RUN_WORKFLOW,
  reentryRefusal,
  entryRefusal,
  restrictsEntries,
  isInHoldout,
  journeyRunWorkflowId,
  journeyTaskQueue,
  type CustomerEventPayload,
  type EntryRefusal,
  type JourneyRunInput,
} from '@wakeflow/journey';
import { countEntries, runSummaries, runs, timeOrderedUuid, type Database } from '@wakeflow/db';
import {
  cohortSettingsFromEnv,
  startRunsInCohorts,
  type CohortSettings,
  type StartRunsRequest,
  type StartRunsResult,
} from './cohort-starter';
import { findEnterableVersion } from './enterable-version';

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
      reason: 'not_live' | 'already_in_journey' | 'reentry_not_allowed' | 'duplicate' | EntryRefusal;
    };

export interface JourneyRunStarter {
  startRun(request: StartRunRequest): Promise<StartRunResult>;
  /** Many customers at once: through cohorts from the threshold on (./cohort-starter.ts), else one by one. */
  startRuns(request: StartRunsRequest): Promise<StartRunsResult>;
}

export function createRunStarter(deps: {
  db: Database;
  client: Client;
  /** Defaults to `WAKEFLOW_COHORT_THRESHOLD` / `WAKEFLOW_COHORT_SIZE`. */
  cohorts?: CohortSettings;
}): JourneyRunStarter {
  const { db, client } = deps;
  const settings = deps.cohorts ?? cohortSettingsFromEnv();
  const starter: JourneyRunStarter = {
    startRuns: (request) =>
      startRunsInCohorts({ db, client, settings }, request, (one) => starter.startRun(one)),
    async startRun(request) {
      const enterable = await findEnterableVersion(db, request);
      if (!enterable) return { started: false, reason: 'not_live' };
      const { version, plan, forcedArms } = enterable;
      const keyOf = (entry: number) => ({
        workspaceId: request.workspaceId,
        journeyId: request.journeyId,
        version,
        customerId: request.customerId,
        entry,
      });
      const holdout = isInHoldout(request.journeyId, request.customerId, plan.settings.holdoutPercent);
      // The re-entry policy, the entry number and the entry limits are decided from the runs table, shared by every
      // API and worker process, under a per-journey lock, and the run's row is written there before its workflow
      // starts: two starters entering one customer at once (two API processes, a sweep and an API call) see each
      // other, so the second cannot read "not in the journey" and then number its entry after the first's.
      const now = request.now ?? new Date();
      type Admission =
        | { refusal: EntryRefusal | 'already_in_journey' | 'reentry_not_allowed' }
        | { refusal?: undefined; runId: string; inserted: boolean; entry: number };
      const runId = timeOrderedUuid();
      const admitted = await db.transaction(async (tx): Promise<Admission> => {
        await tx.execute(
          sql`select pg_advisory_xact_lock(hashtextextended(${`entries:${request.journeyId}`}, 0))`,
        );
        const [last] = await tx
          .select({ entry: runs.entry, status: runs.status, startedAt: runs.startedAt })
          .from(runs)
          .where(and(eq(runs.journeyId, request.journeyId), eq(runs.customerId, request.customerId)))
          .orderBy(desc(runs.startedAt))
          .limit(1);
        const refusedByLastRun = reentryRefusal(plan.settings.reentry, last, now);
        if (refusedByLastRun) return { refusal: refusedByLastRun };
        let entry = request.entry;
        if (entry === undefined) {
          const [{ maxEntry } = { maxEntry: 0 }] = await tx
            .select({ maxEntry: runs.entry })
            .from(runs)
            .where(and(eq(runs.journeyId, request.journeyId), eq(runs.customerId, request.customerId)))
            .orderBy(desc(runs.entry))
            .limit(1);
          entry = maxEntry + 1;
        }
        const workflowId = journeyRunWorkflowId(keyOf(entry));
        const [existing] = await tx.select({ id: runs.id }).from(runs).where(eq(runs.workflowId, workflowId));
        // Admitted before (a retried page or request): the same run, whatever the limits say now.
        if (existing) return { runId: existing.id, inserted: false, entry };
        const { launch } = plan.settings;
        if (restrictsEntries(launch)) {
          const refusal = entryRefusal(launch, await countEntries(tx, request.journeyId, now), now);
          if (refusal) return { refusal };
        }
        await tx.insert(runs).values({
          id: runId,
          workspaceId: request.workspaceId,
          workflowId,
          journeyId: request.journeyId,
          version,
          customerId: request.customerId,
          entry,
          holdout,
          startedAt: now,
        });
        return { runId, inserted: true, entry };
      });
      if (admitted.refusal !== undefined) return { started: false, reason: admitted.refusal };
      const { entry } = admitted;
      const key = keyOf(entry);
      const workflowId = journeyRunWorkflowId(key);
      const input: JourneyRunInput = {
        runId: admitted.runId,
        ...key,
        plan,
        holdout,
        ...(forcedArms ? { forcedArms } : {}),
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
        // Not started: the row would be a run that never was, and would count against the limits.
        // (Its analytics summary, written by a trigger on insert, goes with it.)
        if (admitted.inserted)
          await db.transaction(async (tx) => {
            await tx.delete(runSummaries).where(eq(runSummaries.runId, admitted.runId));
            await tx.delete(runs).where(eq(runs.id, admitted.runId));
          });
        throw error;
      }
      return { started: true, workflowId, runId: input.runId, entry, holdout };
    },
  };
  return starter;
}
