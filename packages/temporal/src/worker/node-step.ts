/**
 * What the worker checks before a step's node runs, once for one run's step (`executeNode`) and for a cohort's batch
 * of members at one step (`executeCohortNode`): the kind is registered, it is not older than the plan needs, a
 * message step of a paused or stopped journey is held (one read of the journey for the whole batch), and the stored
 * config is read (migrated) with the kind's current schema. A failed check is a non-retryable failure: what fails a
 * run fails each member of a batch.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { and, eq } from 'drizzle-orm';
import type { NodeActivityResult } from '@wakeflow/journey';
import { journeys, type Database } from '@wakeflow/db';
import type { ActivityExecution, NodeCatalog, NodePorts } from '@wakeflow/nodes';

/** How long a message step of a paused journey is held before it looks again (a resume wakes it sooner). */
export const PAUSE_HOLD_MS = 15 * 60_000;

/** The step as a plan names it. */
export interface NodeStep {
  workspaceId: string;
  journeyId: string;
  nodeId: string;
  nodeType: string;
  nodeVersion: number;
  config: Record<string, unknown>;
}

/** The step may run (with its config read by the current schema), or its journey holds it. */
export type PreparedNodeStep =
  { held: false; activity: ActivityExecution<unknown, NodePorts>; config: unknown } | { held: true };

export async function prepareNodeStep(
  db: Database,
  catalog: NodeCatalog,
  step: NodeStep,
): Promise<PreparedNodeStep> {
  const kind = catalog.get(step.nodeType);
  const activity = kind?.definition.activity;
  if (!kind || !activity) {
    throw ApplicationFailure.nonRetryable(
      `This worker has no node kind “${step.nodeType}”: register it with the worker or roll back the plan`,
      'UnknownNodeType',
    );
  }
  if (step.nodeVersion > kind.version) {
    throw ApplicationFailure.nonRetryable(
      `The plan needs “${step.nodeType}” version ${step.nodeVersion}, this worker has version ${kind.version}`,
      'NodeVersionTooNew',
    );
  }
  // A paused journey holds its runs before a message (a stopped one too, until its stop reaches the run): a durable
  // deferral like quiet hours, so waits keep counting and the goal still ends the run meanwhile.
  if (kind.definition.palette.category === 'message') {
    const [journey] = await db
      .select({ status: journeys.status })
      .from(journeys)
      .where(and(eq(journeys.id, step.journeyId), eq(journeys.workspaceId, step.workspaceId)));
    if (journey?.status === 'paused' || journey?.status === 'stopped') return { held: true };
  }
  // Older plans keep running as long as their config, migrated by the kind's migrateConfig, fits the current schema.
  const config = kind.readStoredConfig(step.config, step.nodeVersion);
  if (!config.success) {
    throw ApplicationFailure.nonRetryable(
      `Step ${step.nodeId}: its “${step.nodeType}” v${step.nodeVersion} config no longer fits v${kind.version}: ${config.path ? `${config.path}: ` : ''}${config.message}`,
      'NodeConfigIncompatible',
    );
  }
  return { held: false, activity, config: config.config };
}

/** A held step's answer for a run whose step began at `at` (workflow time). */
export function heldResult(at: string, holdMs: number): NodeActivityResult {
  // Counted from the run's own clock, as the send rules are: a worker whose wall clock trails the workflow's (a
  // time-skipping server, a skewed host) would otherwise hand back a time already past and spin.
  const runNow = Date.parse(at);
  const from = Number.isFinite(runNow) ? runNow : Date.now();
  return { outcome: 'held', retryAt: new Date(from + holdMs).toISOString(), held: true };
}
