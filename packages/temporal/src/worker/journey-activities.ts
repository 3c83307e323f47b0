/**
 * The activities behind `journeyRun`: run bookkeeping and node execution. Node kinds come from the catalog, so a
 * custom node registered with the worker runs here without any other change.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { and, eq } from 'drizzle-orm';
import { nextLocalTime, type JourneyActivities } from '@wakeflow/journey';
import {
  customers,
  endRunRecord,
  finishRunRecord,
  recordRunStep,
  registerRunRecord,
  type Database,
} from '@wakeflow/db';
import type { NodeCatalog, NodeServices } from '@wakeflow/nodes';

export function createJourneyActivities(deps: {
  db: Database;
  catalog: NodeCatalog;
  services: NodeServices;
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

    async endRun(input) {
      await endRunRecord(db, { ...input, at: new Date(input.at) });
    },

    async executeNode(input) {
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
      // Older plans keep running as long as their config, migrated by the kind's migrateConfig, fits the current schema.
      const config = kind.readStoredConfig(input.config, input.nodeVersion);
      if (!config.success) {
        throw ApplicationFailure.nonRetryable(
          `Step ${input.nodeId}: its “${input.nodeType}” v${input.nodeVersion} config no longer fits v${kind.version}: ${config.path ? `${config.path}: ` : ''}${config.message}`,
          'NodeConfigIncompatible',
        );
      }
      return activity.run({ ...input, config: config.config as Record<string, unknown> }, services);
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
