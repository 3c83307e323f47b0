/**
 * The activities behind `cohortRun`: each does one kind of work for many members at once. Bookkeeping is one
 * transaction for the batch (`recordRunBatch`); a node step passes the checks a run's step passes (./node-step.ts,
 * once for the batch), then runs through the kind's `runBatch` (one call for the members) or its `run` per member,
 * with each member's business key as its workflow id, so a send has the same idempotency key and writes the same one
 * message row per run and step; members answered by an earlier attempt are not run again. Local times are one read
 * of the members' time zones.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { and, eq, inArray } from 'drizzle-orm';
import {
  journeyRunWorkflowId,
  nextLocalTime,
  type CohortActivities,
  type CohortNodeAnswer,
  type CohortRecords,
} from '@wakeflow/journey';
import { customers, recordRunBatch, type Database } from '@wakeflow/db';
import type { NodeCatalog, NodePorts } from '@wakeflow/nodes';
import type { NodeBatchAnswer } from '@wakeflow/nodes/spec';
import { heartbeatSection, recallHeartbeatSection } from './heartbeat-sections';
import { heldResult, PAUSE_HOLD_MS, prepareNodeStep, type PreparedNodeStep } from './node-step';

function attemptOfActivity(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1; // called directly, outside an activity
  }
}

/** The heartbeat section holding a node batch's answers so far, by run id. */
const ANSWERS_SECTION = 'cohortAnswers';
/** Answers are heartbeated at most this often while a batch runs member by member (and always at its end). */
const ANSWERS_HEARTBEAT_MS = 1_000;

/** A node batch's answers so far, kept in the activity's heartbeat details across attempts. */
class CohortAnswerJournal {
  private readonly answers: Record<string, CohortNodeAnswer>;
  private lastBeat = 0;
  private changed = false;

  constructor(earlier: unknown) {
    this.answers =
      typeof earlier === 'object' && earlier !== null && !Array.isArray(earlier)
        ? { ...(earlier as Record<string, CohortNodeAnswer>) }
        : {};
  }

  recall(runId: string): CohortNodeAnswer | undefined {
    const answer = this.answers[runId];
    return answer && ('result' in answer || 'error' in answer) ? answer : undefined;
  }

  remember(runId: string, answer: CohortNodeAnswer): void {
    this.answers[runId] = answer;
    this.changed = true;
  }

  /** Heartbeats the answers if any changed, and (unless `now`) the last beat is a while ago. */
  heartbeat(now: boolean): void {
    if (!this.changed || (!now && Date.now() - this.lastBeat < ANSWERS_HEARTBEAT_MS)) return;
    this.changed = false;
    this.lastBeat = Date.now();
    heartbeatSection(ANSWERS_SECTION, this.answers);
  }
}

export function createCohortActivities(deps: {
  db: Database;
  catalog: NodeCatalog;
  services: NodePorts;
  /** Tests shorten it; see `createJourneyActivities`. */
  pauseHoldMs?: number;
}): CohortActivities {
  const { db, catalog, services, pauseHoldMs } = deps;
  const writeRecords = (records: CohortRecords) => {
    const { workspaceId, journeyId, version } = records;
    return recordRunBatch(db, {
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
  };
  return {
    async recordCohort(records) {
      await writeRecords(records);
    },

    async executeCohortNode(batch) {
      const { workspaceId, journeyId, version } = batch;
      const lastAttempt = batch.maximumAttempts > 0 && attemptOfActivity() >= batch.maximumAttempts;
      const answers: (CohortNodeAnswer | undefined)[] = new Array<CohortNodeAnswer | undefined>(
        batch.members.length,
      );
      // Members an earlier attempt answered keep that answer: only the others run again, so a node that is not
      // idempotent never runs twice for a member because another member's call failed.
      const journal = new CohortAnswerJournal(recallHeartbeatSection(ANSWERS_SECTION));
      batch.members.forEach((member, index) => {
        answers[index] = journal.recall(member.runId);
      });
      const pending = batch.members.flatMap((member, index) => (answers[index] ? [] : [{ member, index }]));
      const done = () =>
        answers.map((a, i) => a ?? { error: `No answer for run ${batch.members[i]!.runId}` });
      if (pending.length === 0) return done();

      // Folded bookkeeping: the steps that led the members here and this one are written first, in one transaction,
      // as a run's `executeNode` writes its own; members an earlier attempt answered had theirs written then.
      const records = pending.flatMap(({ member }) => (member.records ? [member] : []));
      if (records.length > 0)
        await writeRecords({
          workspaceId,
          journeyId,
          version,
          cohortWorkflowId: batch.cohortWorkflowId,
          registered: records.flatMap(({ runId, customerId, entry, records: r }) =>
            r?.registration ? [{ runId, customerId, entry, ...r.registration }] : [],
          ),
          steps: records.flatMap(({ runId, records: r }) => (r?.steps ?? []).map((s) => ({ runId, ...s }))),
          finished: [],
          ended: [],
        });

      let step: PreparedNodeStep;
      try {
        step = await prepareNodeStep(db, catalog, batch);
      } catch (error) {
        if (!(error instanceof ApplicationFailure && error.nonRetryable)) throw error;
        // What fails a run (an unknown kind, a config that no longer fits) fails each member alone.
        for (const { index } of pending) answers[index] = { error: error.message };
        return done();
      }
      if (step.held) {
        for (const { member, index } of pending)
          answers[index] = { result: heldResult(member.at, pauseHoldMs ?? PAUSE_HOLD_MS) };
        return done();
      }
      const { activity, config } = step;
      const inputs = pending.map(({ member }) => ({
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
        config,
        holdout: member.holdout,
        priority: batch.priority,
        context: member.context,
        at: member.at,
      }));

      const retrying: { error: string; retryAfterMs?: number }[] = [];
      const settle = (k: number, reply: NodeBatchAnswer): void => {
        const { member, index } = pending[k]!;
        // What fails a per-customer run for good fails this member's; on the step's last attempt so does the rest.
        if ('error' in reply && reply.retryable && !lastAttempt) return void retrying.push(reply);
        const answer: CohortNodeAnswer =
          'result' in reply ? { result: reply.result } : { error: reply.error };
        answers[index] = answer;
        journal.remember(member.runId, answer);
      };
      const failureOf = (error: unknown): NodeBatchAnswer => ({
        error: error instanceof Error ? error.message : String(error),
        retryable: !(error instanceof ApplicationFailure && error.nonRetryable),
      });
      if (activity.runBatch) {
        // One call for the batch's members (a send batch renders and records their messages together).
        let replies: NodeBatchAnswer[];
        try {
          replies = await activity.runBatch(inputs, services);
        } catch (error) {
          replies = inputs.map(() => failureOf(error));
        }
        if (replies.length !== inputs.length)
          throw new Error(`${batch.nodeType}.runBatch answered ${replies.length} of ${inputs.length} inputs`);
        replies.forEach((reply, k) => settle(k, reply));
      } else {
        let next = 0;
        const work = async () => {
          while (next < inputs.length) {
            const k = next++;
            try {
              settle(k, { result: await activity.run(inputs[k]!, services) });
            } catch (error) {
              settle(k, failureOf(error));
            }
            journal.heartbeat(false);
          }
        };
        await Promise.all(
          Array.from({ length: Math.min(Math.max(batch.concurrency, 1), inputs.length) }, work),
        );
      }
      journal.heartbeat(true);
      if (retrying.length > 0) {
        // The attempt fails for the members still failing; the answers so far are in the heartbeat, which the next
        // attempt reads. A provider's hint of when to come back sets the delay when every such member has one.
        const hints = retrying.map((r) => r.retryAfterMs);
        const nextRetryDelay = hints.every((h) => h !== undefined) ? Math.max(...hints) : undefined;
        throw ApplicationFailure.create({
          message: `${retrying.length} of ${batch.members.length} members failed for now at step ${batch.nodeId}: ${retrying[0]!.error}`,
          type: 'CohortMembersRetry',
          ...(nextRetryDelay !== undefined ? { nextRetryDelay } : {}),
        });
      }
      return done();
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
