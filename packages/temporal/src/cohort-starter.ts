/**
 * Bulk entry through cohorts: many customers entering one journey together (an audience sweep page, a bulk API entry)
 * are admitted as the per-customer starter admits one — re-entry policy, holdout hash, experiment winners, entry
 * limits under the journey's lock, one `runs` row each with its business key — and then carried by `cohortRun`
 * workflows of up to `size` members instead of one `journeyRun` each. Fewer than `threshold` customers enter
 * per-customer. The cohort's workflow id is a hash of its members' keys, so a page redone after a crash finds the
 * cohort it started (or starts the one it admitted but never started).
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { eq, inArray, sql } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import {
  COHORT_RUN_WORKFLOW,
  entryRefusal,
  restrictsEntries,
  isInHoldout,
  journeyRunWorkflowId,
  journeyTaskQueue,
  reentryRefusal,
  type CohortMember,
  type CohortRunInput,
  type EntryRefusal,
} from '@wakeflow/journey';
import { countEntries, runSummaries, runs, timeOrderedUuid, type Database } from '@wakeflow/db';
import type { StartRunRequest, StartRunResult } from './run-starter';
import { findEnterableVersion } from './enterable-version';

export interface CohortSettings {
  /** Bulk entries of at least this many customers go through cohorts; smaller ones enter per customer. */
  threshold: number;
  /** Members per cohort workflow. */
  size: number;
  /** History events before a cohort continues as new (default: the workflow's own; tests lower it). */
  historyEventLimit?: number;
}

export const DEFAULT_COHORT_SETTINGS: CohortSettings = { threshold: 100, size: 1_000 };
/**
 * The most members a cohort may carry: a cohort continuing as new carries each open member's state (~0.8 KB for the
 * canonical win-back, more with more steps' outputs), and Temporal refuses a payload over 2 MB (warning at 512 KB).
 */
export const MAX_COHORT_SIZE = 1_000;

/** `WAKEFLOW_COHORT_THRESHOLD` (0 turns cohorts off) and `WAKEFLOW_COHORT_SIZE`, see docs/configuration.md. */
export function cohortSettingsFromEnv(env: Record<string, string | undefined> = process.env): CohortSettings {
  /** A whole number of at least `min` (and at most `max`, for the reason given), or the fallback when unset. */
  const read = (
    name: string,
    fallback: number,
    min: number,
    max?: { value: number; why: string },
  ): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || (max && value > max.value)) {
      const most = max ? ` and at most ${max.value.toLocaleString('en-US')} (${max.why})` : '';
      throw new Error(`${name} must be a whole number of at least ${min}${most}, not “${raw}”`);
    }
    return value;
  };
  const threshold = read('WAKEFLOW_COHORT_THRESHOLD', DEFAULT_COHORT_SETTINGS.threshold, 0);
  return {
    threshold: threshold === 0 ? Number.POSITIVE_INFINITY : threshold,
    size: read('WAKEFLOW_COHORT_SIZE', DEFAULT_COHORT_SETTINGS.size, 1, {
      value: MAX_COHORT_SIZE,
      why: "a cohort's carried state must fit Temporal's 2 MB payload limit",
    }),
  };
}

export interface StartRunsRequest {
  workspaceId: string;
  journeyId: string;
  /** Customers entering, each with its entry number when the trigger keeps its own count (the sweep does). */
  entries: { customerId: string; entry?: number }[];
  version?: number;
  /** The trigger's clock (defaults to now). */
  now?: Date;
}

/** A started cohort member says which cohort carries it. */
export type StartRunsResult = (StartRunResult & { cohortWorkflowId?: string })[];

const START_CONCURRENCY = 16;

/** A cohort's id: its journey version and a hash of its members' business keys (stable across retries). */
export function cohortWorkflowId(
  workspaceId: string,
  journeyId: string,
  version: number,
  memberKeys: string[],
): string {
  const hash = createHash('sha256')
    .update([...memberKeys].sort().join('\n'))
    .digest('hex')
    .slice(0, 24);
  return `cohort/${workspaceId}/${journeyId}/v${version}/${hash}`;
}

export async function startRunsInCohorts(
  deps: { db: Database; client: Client; settings: CohortSettings },
  request: StartRunsRequest,
  startOne: (request: StartRunRequest) => Promise<StartRunResult>,
): Promise<StartRunsResult> {
  const { db, client, settings } = deps;
  const { workspaceId, journeyId } = request;
  const now = request.now ?? new Date();
  const single = (e: { customerId: string; entry?: number }): StartRunRequest => ({
    workspaceId,
    journeyId,
    customerId: e.customerId,
    now,
    ...(request.version !== undefined ? { version: request.version } : {}),
    ...(e.entry !== undefined ? { entry: e.entry } : {}),
  });
  if (request.entries.length < settings.threshold)
    return eachInOrder(request.entries, (e) => startOne(single(e)));

  const enterable = await findEnterableVersion(db, request);
  if (!enterable) return request.entries.map(() => ({ started: false, reason: 'not_live' }));
  const { version, plan, forcedArms } = enterable;

  const results: StartRunsResult = new Array<StartRunsResult[number]>(request.entries.length);

  // Admission under the journey's lock, as for a single start: runs admitted before keep their rows.
  const admitted = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`entries:${journeyId}`}, 0))`);
    // Each customer's last run and highest entry, read under the lock with the rows' writes, as the single starter
    // does: the decision and the write see the same runs. (Read before the lock it was still safe — a stale entry
    // number names a run that exists by then and goes through the single starter — but only by that argument.)
    const customerIds = [...new Set(request.entries.map((e) => e.customerId))];
    const past = await tx.execute<{
      customer_id: string;
      status: string;
      started_at: Date;
      max_entry: number;
    }>(sql`
      select distinct on (customer_id) customer_id, status, started_at,
             max(entry) over (partition by customer_id) as max_entry
      from runs where journey_id = ${journeyId} and customer_id = any(${sql.param(customerIds)}::uuid[])
      order by customer_id, started_at desc`);
    const pastOf = new Map(past.rows.map((r) => [r.customer_id, r]));

    const candidates: { index: number; member: CohortMember; workflowId: string }[] = [];
    request.entries.forEach((e, index) => {
      const last = pastOf.get(e.customerId);
      const refusal = reentryRefusal(
        plan.settings.reentry,
        last ? { status: last.status, startedAt: new Date(last.started_at) } : undefined,
        now,
      );
      if (refusal) {
        results[index] = { started: false, reason: refusal };
        return;
      }
      const entry = e.entry ?? Number(last?.max_entry ?? 0) + 1;
      const key = { workspaceId, journeyId, version, customerId: e.customerId, entry };
      candidates.push({
        index,
        workflowId: journeyRunWorkflowId(key),
        member: {
          runId: timeOrderedUuid(),
          customerId: e.customerId,
          entry,
          holdout: isInHoldout(journeyId, e.customerId, plan.settings.holdoutPercent),
        },
      });
    });
    const existing = new Map(
      (
        await tx.execute<{ workflow_id: string; id: string; cohort_workflow_id: string | null }>(sql`
          select workflow_id, id, cohort_workflow_id from runs
          where workflow_id = any(${sql.param(candidates.map((c) => c.workflowId))}::text[])`)
      ).rows.map((r) => [r.workflow_id, { id: r.id, cohort: r.cohort_workflow_id }]),
    );
    const { launch } = plan.settings;
    const counts = restrictsEntries(launch) ? await countEntries(tx, journeyId, now) : undefined;
    const fresh: typeof candidates = [];
    const before: { candidate: (typeof candidates)[number]; id: string; cohort: string | null }[] = [];
    let refusal: EntryRefusal | null = null;
    for (const candidate of candidates) {
      const found = existing.get(candidate.workflowId);
      if (found) {
        before.push({ candidate, id: found.id, cohort: found.cohort });
        continue;
      }
      if (counts) refusal ??= entryRefusal(launch, counts, now);
      if (refusal) {
        results[candidate.index] = { started: false, reason: refusal };
        continue;
      }
      if (counts) {
        counts.total += 1;
        counts.lastHour += 1;
        counts.lastDay += 1;
      }
      fresh.push(candidate);
    }
    const cohorts: { id: string; members: typeof fresh }[] = [];
    for (let i = 0; i < fresh.length; i += settings.size) {
      const members = fresh.slice(i, i + settings.size);
      cohorts.push({
        id: cohortWorkflowId(
          workspaceId,
          journeyId,
          version,
          members.map((m) => m.workflowId),
        ),
        members,
      });
    }
    // One statement for every row of the entry: a multi-row VALUES of ten parameters a row costs the database more
    // to parse and plan than the insert itself.
    const rows = cohorts.flatMap((cohort) => cohort.members.map((c) => ({ cohort: cohort.id, ...c })));
    if (rows.length > 0)
      await tx.execute(sql`
        insert into runs (id, workspace_id, workflow_id, cohort_workflow_id, journey_id, version, customer_id, entry,
                          holdout, started_at)
        select v.id, ${workspaceId}, v.workflow_id, v.cohort, ${journeyId}::uuid, ${version}, v.customer_id, v.entry,
               v.holdout, ${now.toISOString()}::timestamptz
        from unnest(${sql.param(rows.map((r) => r.member.runId))}::uuid[],
                    ${sql.param(rows.map((r) => r.workflowId))}::text[], ${sql.param(rows.map((r) => r.cohort))}::text[],
                    ${sql.param(rows.map((r) => r.member.customerId))}::uuid[],
                    ${sql.param(rows.map((r) => r.member.entry))}::int[],
                    ${sql.param(rows.map((r) => r.member.holdout))}::boolean[])
          as v(id, workflow_id, cohort, customer_id, entry, holdout)`);
    return { cohorts, before };
  });

  const cohortInput = (members: CohortMember[]): CohortRunInput => ({
    workspaceId,
    journeyId,
    version,
    plan,
    ...(forcedArms ? { forcedArms } : {}),
    ...(settings.historyEventLimit !== undefined ? { historyEventLimit: settings.historyEventLimit } : {}),
    members,
  });
  const start = async (id: string, members: CohortMember[]): Promise<boolean> => {
    try {
      await client.workflow.start(COHORT_RUN_WORKFLOW, {
        workflowId: id,
        taskQueue: journeyTaskQueue(workspaceId),
        args: [cohortInput(members)],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
      return true;
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
      throw error;
    }
  };

  // The cohorts of one entry start concurrently; each that did not start takes its rows back.
  await eachInOrder(admitted.cohorts, async (cohort) => {
    try {
      await start(
        cohort.id,
        cohort.members.map((c) => c.member),
      );
    } catch (error) {
      // Not started: the rows would be runs that never were, and would count against the limits.
      const ids = cohort.members.map((c) => c.member.runId);
      await db.transaction(async (tx) => {
        await tx.delete(runSummaries).where(inArray(runSummaries.runId, ids));
        await tx.delete(runs).where(inArray(runs.id, ids));
      });
      throw error;
    }
    for (const c of cohort.members)
      results[c.index] = {
        started: true,
        workflowId: c.workflowId,
        runId: c.member.runId,
        entry: c.member.entry,
        holdout: c.member.holdout,
        cohortWorkflowId: cohort.id,
      };
  });

  // Admitted by an earlier attempt: a cohort it admitted but never started starts now; per-customer runs go through
  // the single starter, which does the same for them.
  const earlierCohorts = [...new Set(admitted.before.flatMap((b) => (b.cohort ? [b.cohort] : [])))];
  for (const id of earlierCohorts) {
    const members = await db
      .select({ runId: runs.id, customerId: runs.customerId, entry: runs.entry, holdout: runs.holdout })
      .from(runs)
      .where(eq(runs.cohortWorkflowId, id));
    await start(id, members);
  }
  const perCustomer = admitted.before.filter((b) => !b.cohort);
  const singles = await eachInOrder(perCustomer, (b) =>
    startOne(single(request.entries[b.candidate.index]!)),
  );
  perCustomer.forEach((b, i) => {
    results[b.candidate.index] = singles[i]!;
  });
  for (const b of admitted.before)
    if (b.cohort)
      results[b.candidate.index] = {
        started: false,
        workflowId: b.candidate.workflowId,
        reason: 'duplicate',
      };
  return results;
}

/**
 * `fn` over `items`, at most START_CONCURRENCY at once, answers in order. Every item is settled before a failure is
 * thrown (the first), so nothing is left running behind the caller's error.
 */
async function eachInOrder<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const work = async () => {
    while (next < items.length) {
      const index = next++;
      try {
        out[index] = await fn(items[index]!);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(START_CONCURRENCY, items.length) }, work));
  if (failure) throw failure.error;
  return out;
}
