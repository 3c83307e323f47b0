/**
 * The activities behind `journeyRun`: run bookkeeping and node execution. Node kinds come from the catalog, so a
 * custom node registered with the worker runs here without any other change.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { and, eq } from 'drizzle-orm';
import { nextLocalTime, type JourneyActivities, type PendingRunRecords } from '@wakeflow/journey';
import {
  customers,
  journeys,
  endRunRecord,
  finishRunRecord,
  recordRunStep,
  registerRunRecord,
  writeRunRecords,
  type Database,
} from '@wakeflow/db';
import type { NodeCatalog, NodePorts } from '@wakeflow/nodes';

/** How long a message step of a paused journey is held before it looks again (a resume wakes it sooner). */
export const PAUSE_HOLD_MS = 15 * 60_000;

/** Writes what a run buffered (see `PendingRunRecords`), plus its finish if given, in one transaction. */
async function writePending(
  db: Database,
  run: { runId: string; workspaceId: string },
  records: PendingRunRecords,
  finish?: { outcome: string; at: string; lastSeq: number },
): Promise<void> {
  const { registration, steps } = records;
  await writeRunRecords(db, {
    ...run,
    ...(registration
      ? { registration: { ...registration, startedAt: new Date(registration.startedAt) } }
      : {}),
    steps: steps.map((step) => ({ ...step, at: new Date(step.at) })),
    ...(finish ? { finish: { ...finish, at: new Date(finish.at) } } : {}),
  });
}

export function createJourneyActivities(deps: {
  db: Database;
  catalog: NodeCatalog;
  services: NodePorts;
  /** Tests shorten it; the resume signal, not this, is what normally ends a hold. */
  pauseHoldMs?: number;
}): JourneyActivities {
  const { db, catalog, services } = deps;
  return {
    async registerRun(run) {
      await registerRunRecord(db, { ...run, startedAt: new Date(run.startedAt) });
    },

    async recordStep(step) {
      await recordRunStep(db, { ...step, at: new Date(step.at) });
    },

    async finishRun(input) {
      await finishRunRecord(db, { ...input, at: new Date(input.at) });
    },

    async endRun({ records, ...input }) {
      if (records) await writePending(db, input, records);
      await endRunRecord(db, { ...input, at: new Date(input.at) });
    },

    async recordRun({ runId, workspaceId, records, finish }) {
      await writePending(db, { runId, workspaceId }, records, finish);
    },

    async executeNode({ records, ...input }) {
      // The steps that led here and this one are written first (one transaction), so the run view shows the step
      // whatever the node does; the node's own writes (a message and its lease, say) keep their own transactions.
      if (records) await writePending(db, input, records);
      const kind = catalog.get(input.nodeType);
      const activity = kind?.definition.activity;
      if (!kind || !activity) {
        throw ApplicationFailure.nonRetryable(
          `This worker has no node kind “${input.nodeType}”: register it with the worker or roll back the plan`,
          'UnknownNodeType',
        );
      }
      if (input.nodeVersion > kind.version) {
        throw ApplicationFailure.nonRetryable(
          `The plan needs “${input.nodeType}” version ${input.nodeVersion}, this worker has version ${kind.version}`,
          'NodeVersionTooNew',
        );
      }
      // A paused journey holds its runs before a message (a stopped one too, until its stop reaches the run): a
      // durable deferral like quiet hours, so waits keep counting and the goal still ends the run meanwhile.
      if (kind.definition.palette.category === 'message') {
        const [journey] = await db
          .select({ status: journeys.status })
          .from(journeys)
          .where(and(eq(journeys.id, input.journeyId), eq(journeys.workspaceId, input.workspaceId)));
        if (journey?.status === 'paused' || journey?.status === 'stopped') {
          // Counted from the run's own clock, as the send rules are: a worker whose wall clock trails the workflow's
          // (a time-skipping server, a skewed host) would otherwise hand back a time already past and spin.
          const runNow = Date.parse(input.at);
          const from = Number.isFinite(runNow) ? runNow : Date.now();
          const retryAt = new Date(from + (deps.pauseHoldMs ?? PAUSE_HOLD_MS)).toISOString();
          return { outcome: 'held', retryAt, held: true };
        }
      }
      // Older plans keep running as long as their config, migrated by the kind's migrateConfig, fits the current schema.
      const config = kind.readStoredConfig(input.config, input.nodeVersion);
      if (!config.success) {
        throw ApplicationFailure.nonRetryable(
          `Step ${input.nodeId}: its “${input.nodeType}” v${input.nodeVersion} config no longer fits v${kind.version}: ${config.path ? `${config.path}: ` : ''}${config.message}`,
          'NodeConfigIncompatible',
        );
      }
      return activity.run({ ...input, config: config.config }, services);
    },

    async nextLocalTime(input) {
      const [customer] = await db
        .select({ timezone: customers.timezone })
        .from(customers)
        .where(and(eq(customers.id, input.customerId), eq(customers.workspaceId, input.workspaceId)));
      return nextLocalTime(
        new Date(input.after),
        customer?.timezone ?? 'UTC',
        input.time,
        input.weekdays,
      ).toISOString();
    },
  };
}
