/**
 * Operating a journey: pause, resume, stop, archive (one transition each, checked against the lifecycle table), and
 * taking one customer out of a run. The status is what every trigger and every message step reads; runs in flight
 * are also told by the journey control signal, so a stop ends them and a resume sends what the pause held without
 * waiting for their next look (the message step of a paused journey holds for `PAUSE_HOLD_MS` at a time).
 */
import { and, eq, sql } from 'drizzle-orm';
import {
  LIFECYCLE_ACTIONS,
  canTake,
  journeyLifecycle,
  planSchema,
  type JourneyControl,
  type JourneyLifecycle,
  type JourneyStatus,
  type Launch,
  type LifecycleAction,
} from '@wakeflow/journey';
import { journeyVersions, journeys, runs } from '@wakeflow/db';
import { signalRunControl } from '@wakeflow/temporal';
import type { ApiDeps } from '../deps';
import { HttpError, notFound } from '../http/errors';

/** The launch settings of a journey's live version, for the lifecycle as shown. */
export async function liveLaunch(
  deps: Pick<ApiDeps, 'db'>,
  journeyId: string,
  liveVersion: number | null,
): Promise<Launch | undefined> {
  if (liveVersion === null) return undefined;
  const [row] = await deps.db
    .select({ launch: sql<Launch | null>`${journeyVersions.plan} -> 'settings' -> 'launch'` })
    .from(journeyVersions)
    .where(and(eq(journeyVersions.journeyId, journeyId), eq(journeyVersions.version, liveVersion)));
  return row?.launch ?? undefined;
}

export async function changeLifecycle(
  deps: Pick<ApiDeps, 'db' | 'temporal' | 'schedules' | 'logger'>,
  input: { workspaceId: string; journeyId: string; action: LifecycleAction; now?: Date },
): Promise<{
  before: JourneyStatus;
  status: JourneyStatus;
  lifecycle: JourneyLifecycle;
  runsSignalled: number;
}> {
  const { db } = deps;
  const { workspaceId, journeyId, action } = input;
  const to = LIFECYCLE_ACTIONS[action].to;
  const changed = await db.transaction(async (tx) => {
    const [row] = await tx
      .select({ status: journeys.status, liveVersion: journeys.liveVersion })
      .from(journeys)
      .where(and(eq(journeys.id, journeyId), eq(journeys.workspaceId, workspaceId)))
      .for('update');
    if (!row) throw notFound('Journey');
    if (!canTake(action, row.status))
      throw new HttpError(
        409,
        'lifecycle_conflict',
        `A ${row.status} journey cannot be ${LIFECYCLE_PAST[action]}`,
        {
          status: row.status,
          allowedFrom: [...LIFECYCLE_ACTIONS[action].from],
        },
      );
    await tx.update(journeys).set({ status: to, updatedAt: new Date() }).where(eq(journeys.id, journeyId));
    return row;
  });

  // The audience sweep follows the status: only a live journey has one (the worker's reconciler repairs a miss).
  try {
    if (action === 'resume' && changed.liveVersion !== null) {
      const [version] = await db
        .select({ plan: journeyVersions.plan })
        .from(journeyVersions)
        .where(
          and(eq(journeyVersions.journeyId, journeyId), eq(journeyVersions.version, changed.liveVersion)),
        );
      if (version)
        await deps.schedules?.sync({ workspaceId, journeyId, plan: planSchema.parse(version.plan) });
    } else if (action !== 'resume') {
      await deps.schedules?.sync({ workspaceId, journeyId, plan: null });
    }
  } catch (error) {
    deps.logger.warn(
      { err: error, workspaceId, journeyId, action },
      'audience schedule not synced after a lifecycle change',
    );
  }

  let runsSignalled = 0;
  if (action === 'stop' || action === 'resume') {
    const running = await db
      .select({ runId: runs.id, workflowId: runs.workflowId, cohortWorkflowId: runs.cohortWorkflowId })
      .from(runs)
      .where(
        and(eq(runs.workspaceId, workspaceId), eq(runs.journeyId, journeyId), eq(runs.status, 'running')),
      );
    const control: JourneyControl =
      action === 'stop' ? { action: 'end', outcome: 'stopped' } : { action: 'resume' };
    runsSignalled = await signalRunControl(deps.temporal, running, control, { wholeJourney: true });
  }
  const launch = await liveLaunch(deps, journeyId, changed.liveVersion);
  return {
    before: changed.status,
    status: to,
    lifecycle: journeyLifecycle(to, launch, input.now ?? new Date()),
    runsSignalled,
  };
}

/** The action done, for messages and audit actions (`journey.paused`…). */
export const LIFECYCLE_PAST: Record<LifecycleAction, string> = {
  pause: 'paused',
  resume: 'resumed',
  stop: 'stopped',
  archive: 'archived',
};

/** Takes the customer out of a running run: it ends `removed` at its next step, without sending. */
export async function removeFromRun(
  deps: Pick<ApiDeps, 'db' | 'temporal'>,
  input: { workspaceId: string; runId: string },
): Promise<{ journeyId: string; customerId: string; workflowId: string }> {
  const [run] = await deps.db
    .select({
      workflowId: runs.workflowId,
      cohortWorkflowId: runs.cohortWorkflowId,
      status: runs.status,
      journeyId: runs.journeyId,
      customerId: runs.customerId,
    })
    .from(runs)
    .where(and(eq(runs.id, input.runId), eq(runs.workspaceId, input.workspaceId)));
  if (!run) throw notFound('Run');
  if (run.status !== 'running')
    throw new HttpError(409, 'run_not_running', `The run has already ended (${run.status})`, {
      status: run.status,
    });
  const delivered = await signalRunControl(
    deps.temporal,
    [{ runId: input.runId, workflowId: run.workflowId, cohortWorkflowId: run.cohortWorkflowId }],
    { action: 'end', outcome: 'removed' },
  );
  if (delivered === 0)
    throw new HttpError(409, 'run_not_running', 'The run has already ended', { status: run.status });
  return { journeyId: run.journeyId, customerId: run.customerId, workflowId: run.workflowId };
}
