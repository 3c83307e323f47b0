/**
 * The activities behind `journeyRun`: run bookkeeping and node execution. Node kinds come from the catalog, so a
 * custom node registered with the worker runs here without any other change.
 */
import { and, eq } from 'drizzle-orm';
import { nextLocalTime, type JourneyActivities, type PendingRunRecords } from '@wakeflow/journey';
import {
  customers,
  endRunRecord,
  finishRunRecord,
  recordRunStep,
  registerRunRecord,
  writeRunRecords,
  type Database,
} from '@wakeflow/db';
import type { NodeCatalog, NodePorts } from '@wakeflow/nodes';
import { heldResult, PAUSE_HOLD_MS, prepareNodeStep } from './node-step';

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
      const step = await prepareNodeStep(db, catalog, input);
      if (step.held) return heldResult(input.at, deps.pauseHoldMs ?? PAUSE_HOLD_MS);
      return step.activity.run({ ...input, config: step.config }, services);
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
