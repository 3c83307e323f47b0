/**
 * The activities behind `cohortRun`: each does one kind of work for many members at once. Bookkeeping is one
 * transaction for the batch (`recordRunBatch`); a node step runs for each member through the very activity a
 * per-customer run calls (`executeNode`), with the member's business key as its workflow id, so a send has the same
 * idempotency key and writes the same one message row per run and step; local times are one read of the members'
 * time zones.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { and, eq, inArray } from 'drizzle-orm';
import {
  journeyRunWorkflowId,
  nextLocalTime,
  type CohortActivities,
  type CohortNodeAnswer,
  type JourneyActivities,
} from '@wakeflow/journey';
import { customers, recordRunBatch, type Database } from '@wakeflow/db';

function attemptOfActivity(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1; // called directly, outside an activity
  }
}

function heartbeat(): void {
  try {
    Context.current().heartbeat();
  } catch {
    // not inside an activity
  }
}

export function createCohortActivities(deps: {
  db: Database;
  /** The per-customer activities: a member's node runs exactly as a run's would. */
  journey: Pick<JourneyActivities, 'executeNode'>;
}): CohortActivities {
  const { db, journey } = deps;
  return {
    async recordCohort(records) {
      const { workspaceId, journeyId, version } = records;
      await recordRunBatch(db, {
        workspaceId,
        journeyId,
        version,
        registered: records.registered.map((r) => ({
          runId: r.runId,
          workflowId: journeyRunWorkflowId({
            workspaceId,
            journeyId,
            version,
            customerId: r.customerId,
            entry: r.entry,
          }),
          cohortWorkflowId: records.cohortWorkflowId,
          customerId: r.customerId,
          entry: r.entry,
          holdout: r.holdout,
          startedAt: new Date(r.startedAt),
        })),
        steps: records.steps.map((s) => ({ ...s, at: new Date(s.at) })),
        finished: records.finished.map((f) => ({ ...f, at: new Date(f.at) })),
        ended: records.ended.map((e) => ({ ...e, at: new Date(e.at) })),
      });
    },

    async executeCohortNode(batch) {
      const { workspaceId, journeyId, version } = batch;
      const lastAttempt = batch.maximumAttempts > 0 && attemptOfActivity() >= batch.maximumAttempts;
      const answers: CohortNodeAnswer[] = new Array<CohortNodeAnswer>(batch.members.length);
      let retry: Error | undefined;
      let next = 0;
      const work = async () => {
        while (next < batch.members.length) {
          const index = next++;
          const member = batch.members[index]!;
          try {
            const result = await journey.executeNode({
              runId: member.runId,
              workflowId: journeyRunWorkflowId({
                workspaceId,
                journeyId,
                version,
                customerId: member.customerId,
                entry: member.entry,
              }),
              workspaceId,
              journeyId,
              version,
              customerId: member.customerId,
              nodeId: batch.nodeId,
              nodeType: batch.nodeType,
              nodeVersion: batch.nodeVersion,
              config: batch.config,
              holdout: member.holdout,
              priority: batch.priority,
              context: member.context,
              at: member.at,
            });
            answers[index] = { result };
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            // What fails a per-customer run fails this member's; a transient failure retries the batch (the members
            // already answered find their work done: a send answers from its message row).
            if ((error instanceof ApplicationFailure && error.nonRetryable) || lastAttempt)
              answers[index] = { error: message };
            else retry ??= error instanceof Error ? error : new Error(message);
          }
          heartbeat();
        }
      };
      await Promise.all(
        Array.from({ length: Math.min(Math.max(batch.concurrency, 1), batch.members.length) }, work),
      );
      if (retry !== undefined) throw retry;
      return answers;
    },

    async cohortLocalTimes({ workspaceId, requests }) {
      const ids = [...new Set(requests.map((r) => r.customerId))];
      const zones = new Map(
        (
          await db
            .select({ id: customers.id, timezone: customers.timezone })
            .from(customers)
            .where(and(eq(customers.workspaceId, workspaceId), inArray(customers.id, ids)))
        ).map((c) => [c.id, c.timezone]),
      );
      return requests.map((r) =>
        nextLocalTime(new Date(r.after), zones.get(r.customerId) ?? 'UTC', r.time, r.weekdays).toISOString(),
      );
    },
  };
}
