/**
 * The launch estimate: what publishing a plan would do now, from the same rules the real launch obeys — the audience
 * sweep's segment query and `mayEnter`, the run starter's re-entry rule (`reentryRefusal`), the launch window and
 * entry limits (`entryRefusal`, counted by `countEntries`), the holdout hash (`isInHoldout`) — and each entering
 * customer's first touch run by the journey machine on the dry-run services up to their first wait (`untilMs`), so
 * splits, branches and the sending rules decide exactly as they would. Nothing is sent or written.
 *
 * The first sweep pages through the segment in customer id order and stops at the first limit, so the customers who
 * enter now are the first `enterNow` eligible ones by id. Above `sampleLimit` of them the first touch is run for an
 * even sample and scaled; holdout counts are exact (a hash).
 */
import { and, eq, gt, inArray, sql } from 'drizzle-orm';
import {
  createConditionEvaluator,
  lastCompletedSweepId,
  matchingCustomerIds,
  mayEnter,
  memberStatesOf,
  prepareCondition,
  segmentWhere,
} from '@wakeflow/audience';
import { countedDispatchesOf, findChannelProviderRow } from '@wakeflow/channels';
import type { LaunchEstimate } from '@wakeflow/contracts';
import { countEntries, customers, events, segments, type Database } from '@wakeflow/db';
import {
  entryDurationMs,
  entryRefusal,
  isInHoldout,
  planTriggerEvent,
  reentryRefusal,
  type EntryRefusal,
  type Plan,
} from '@wakeflow/journey';
import { runOnVirtualClockAsync } from '@wakeflow/journey/machine';
import { createDryRunSession } from './dry-run-services';
import { loadDryRunWorld, type PreviewDeps } from './preview';

const DAY_MS = 86_400_000;
/** Customers whose memberships and last runs are read per query. */
const PAGE = 5_000;
const DEFAULT_SAMPLE_LIMIT = 2_000;

type Channel = LaunchEstimate['messages'][number]['channel'];

/** The same as a preview's: the database, the node catalog, and links signed as sending would. */
export type LaunchEstimateDeps = PreviewDeps;

export interface LaunchEstimateInput {
  workspaceId: string;
  journeyId: string;
  /** The plan that would go live (the compiled draft). */
  plan: Plan;
  now?: Date;
  /** Entering customers above which the first touch is estimated from an even sample. */
  sampleLimit?: number;
}

/** The segment an audience trigger sweeps, if the plan has one. */
function audienceSegment(plan: Plan): string | null {
  const id = plan.trigger.config.segmentId;
  return plan.trigger.type === 'audience_trigger' && typeof id === 'string' ? id : null;
}

/** Every `step`-th of `ids`, `limit` in all, spread evenly from the first. */
function evenSample<T>(items: readonly T[], limit: number): T[] {
  if (items.length <= limit) return [...items];
  const out: T[] = [];
  for (let i = 0; i < limit; i++) out.push(items[Math.floor((i * items.length) / limit)]!);
  return out;
}

interface Eligibility {
  matching: number;
  eligible: string[];
  alreadyInJourney: number;
  reentryNotAllowed: number;
}

/** The segment's members now, and which of them the sweep and the run starter would let in, in id order. */
async function eligibleCustomers(
  db: Database,
  workspaceId: string,
  journeyId: string,
  segmentId: string,
  plan: Plan,
  now: Date,
): Promise<Eligibility> {
  const prepared = await prepareCondition(db, workspaceId, { kind: 'segment', segmentId, member: true });
  const where = segmentWhere(workspaceId, prepared, now.toISOString());
  // The next sweep comes after every sweep so far.
  const facts = {
    sweepId: Number.MAX_SAFE_INTEGER,
    previousSweepId: await lastCompletedSweepId(db, journeyId),
    now,
  };
  const result: Eligibility = { matching: 0, eligible: [], alreadyInJourney: 0, reentryNotAllowed: 0 };
  let cursor: string | null = null;
  for (;;) {
    const ids = await matchingCustomerIds(db, where, cursor, PAGE);
    if (ids.length === 0) break;
    cursor = ids[ids.length - 1]!;
    result.matching += ids.length;
    const [memberOf, lastRuns] = await Promise.all([
      memberStatesOf(db, journeyId, ids),
      db.execute<{ customer_id: string; status: string; started_at: Date }>(sql`
        select distinct on (customer_id) customer_id, status, started_at from runs
        where journey_id = ${journeyId} and customer_id = any(${sql.param(ids)}::uuid[])
        order by customer_id, started_at desc`),
    ]);
    const lastRunOf = new Map(
      lastRuns.rows.map((r) => [r.customer_id, { status: r.status, startedAt: new Date(r.started_at) }]),
    );
    for (const id of ids) {
      const refusal = reentryRefusal(plan.settings.reentry, lastRunOf.get(id), now);
      if (refusal === 'already_in_journey') result.alreadyInJourney++;
      else if (refusal === 'reentry_not_allowed' || !mayEnter(plan.settings.reentry, memberOf.get(id), facts))
        result.reentryNotAllowed++;
      else result.eligible.push(id);
    }
    if (ids.length < PAGE) break;
  }
  return result;
}

/** How many of `eligible` may enter now under the launch window and limits, and what stops the rest. */
function admitted(
  plan: Plan,
  eligible: number,
  counts: Awaited<ReturnType<typeof countEntries>>,
  now: Date,
): { enterNow: number; limitedBy: EntryRefusal | null } {
  const launch = plan.settings.launch;
  const refusal = entryRefusal(launch, counts, now);
  if (refusal) return { enterNow: 0, limitedBy: eligible > 0 ? refusal : null };
  const room: [number, EntryRefusal][] = [];
  if (launch?.entryCap !== undefined) room.push([launch.entryCap - counts.total, 'entry_cap']);
  if (launch?.perHour !== undefined) room.push([launch.perHour - counts.lastHour, 'hourly_rate']);
  if (launch?.perDay !== undefined) room.push([launch.perDay - counts.lastDay, 'daily_rate']);
  let enterNow = eligible;
  let limitedBy: EntryRefusal | null = null;
  for (const [left, why] of room) {
    if (left < enterNow) {
      enterNow = Math.max(0, left);
      limitedBy = why;
    }
  }
  return { enterNow, limitedBy };
}

function emptyChannel(channel: Channel, unitCostMicros: number): LaunchEstimate['messages'][number] {
  return { channel, send: 0, held: 0, skipped: 0, failed: 0, reasons: {}, unitCostMicros, costMicros: 0 };
}

export async function estimateLaunch(
  deps: LaunchEstimateDeps,
  input: LaunchEstimateInput,
): Promise<LaunchEstimate> {
  const { db } = deps;
  const { workspaceId, journeyId, plan } = input;
  const now = input.now ?? new Date();
  const segmentId = audienceSegment(plan);
  const triggerEvent = planTriggerEvent(plan);

  let eventsLastSevenDays: number | null = null;
  if (triggerEvent !== null) {
    const [row] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(events)
      .where(
        and(
          eq(events.workspaceId, workspaceId),
          eq(events.name, triggerEvent),
          gt(events.occurredAt, new Date(now.getTime() - 7 * DAY_MS)),
        ),
      );
    eventsLastSevenDays = row?.n ?? 0;
  }
  const trigger = { type: plan.trigger.type, event: triggerEvent, eventsLastSevenDays };
  const counts = await countEntries(db, journeyId, now);

  if (segmentId === null) {
    // Event and API triggers enter nobody at publish: customers come one by one.
    return {
      journeyId,
      at: now.toISOString(),
      trigger,
      audience: null,
      enterNow: 0,
      limitedBy: null,
      entryDurationMs: 0,
      holdout: 0,
      treatment: 0,
      arms: [],
      messages: [],
      costMicros: 0,
      sample: null,
    };
  }

  const [segment] = await db
    .select({ name: segments.name })
    .from(segments)
    .where(and(eq(segments.workspaceId, workspaceId), eq(segments.id, segmentId)));
  const eligibility = await eligibleCustomers(db, workspaceId, journeyId, segmentId, plan, now);
  const { enterNow, limitedBy } = admitted(plan, eligibility.eligible.length, counts, now);
  const entering = eligibility.eligible.slice(0, enterNow);
  const holdout = entering.filter((id) => isInHoldout(journeyId, id, plan.settings.holdoutPercent)).length;

  // The first touch of each (sampled) entering customer, on the dry-run services.
  const sampled = evenSample(entering, input.sampleLimit ?? DEFAULT_SAMPLE_LIMIT);
  const world = await loadDryRunWorld(deps, workspaceId, plan);
  const counted = await countedDispatchesOf(db, sampled, now, world.settings.frequencyCap);
  const conditions = createConditionEvaluator(db);

  const perChannel = new Map<Channel, LaunchEstimate['messages'][number]>();
  const unitCosts = new Map<Channel, number>();
  const unitCostOf = async (channel: Channel) => {
    let cost = unitCosts.get(channel);
    if (cost === undefined) {
      cost = (await findChannelProviderRow(db, workspaceId, channel))?.unitCostMicros ?? 0;
      unitCosts.set(channel, cost);
    }
    return cost;
  };
  const armCounts = new Map<string, { stepId: string; arm: string; customers: number }>();
  for (let i = 0; i < sampled.length; i += PAGE) {
    const page = sampled.slice(i, i + PAGE);
    const rows = await db.select().from(customers).where(inArray(customers.id, page));
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const customerId of page) {
      const customer = byId.get(customerId);
      if (!customer) continue; // deleted meanwhile
      const run = {
        journeyId,
        customerId,
        holdout: isInHoldout(journeyId, customerId, plan.settings.holdoutPercent),
        plan,
      };
      const session = createDryRunSession(world, run, customer, {
        conditions,
        counted: counted.get(customerId) ?? [],
        version: 0,
      });
      const firstTouch = await runOnVirtualClockAsync(run, {
        startMs: now.getTime(),
        untilMs: now.getTime(),
        hooks: session.hooks,
      });
      for (const step of firstTouch.steps) {
        if (!step.splitArm || step.splitArm.holdout) continue;
        const key = `${step.splitArm.stepId}\u0000${step.splitArm.arm}`;
        const arm = armCounts.get(key) ?? {
          stepId: step.splitArm.stepId,
          arm: step.splitArm.arm,
          customers: 0,
        };
        arm.customers++;
        armCounts.set(key, arm);
      }
      for (const m of session.messages) {
        const channel = m.channel;
        const row = perChannel.get(channel) ?? emptyChannel(channel, await unitCostOf(channel));
        const { status, reason } = m.decision;
        if (status === 'sent') row.send++;
        else if (status === 'deferred') row.held++;
        else if (status === 'skipped') row.skipped++;
        else row.failed++;
        if (status !== 'sent') {
          const why = reason?.split(':')[0] ?? status;
          row.reasons[why] = (row.reasons[why] ?? 0) + 1;
        }
        perChannel.set(channel, row);
      }
    }
  }

  // Scale the sample to everyone entering (exact when nobody was left out).
  const scale = sampled.length === 0 ? 0 : entering.length / sampled.length;
  const scaled = (n: number) => Math.round(n * scale);
  const stepName = (id: string) => plan.steps[id]?.name ?? null;
  const messageRows = [...perChannel.values()]
    .map((row) => {
      const send = scaled(row.send);
      const held = scaled(row.held);
      return {
        ...row,
        send,
        held,
        skipped: scaled(row.skipped),
        failed: scaled(row.failed),
        reasons: Object.fromEntries(Object.entries(row.reasons).map(([k, v]) => [k, scaled(v)])),
        costMicros: (send + held) * row.unitCostMicros,
      };
    })
    .sort((a, b) => a.channel.localeCompare(b.channel));

  return {
    journeyId,
    at: now.toISOString(),
    trigger,
    audience: {
      segmentId,
      segmentName: segment?.name ?? null,
      matching: eligibility.matching,
      eligible: eligibility.eligible.length,
      alreadyInJourney: eligibility.alreadyInJourney,
      reentryNotAllowed: eligibility.reentryNotAllowed,
    },
    enterNow,
    limitedBy,
    entryDurationMs: entryDurationMs(plan.settings.launch, eligibility.eligible.length),
    holdout,
    treatment: enterNow - holdout,
    arms: [...armCounts.values()].map((a) => ({
      stepId: a.stepId,
      stepName: stepName(a.stepId),
      arm: a.arm,
      customers: scaled(a.customers),
    })),
    messages: messageRows,
    costMicros: messageRows.reduce((sum, r) => sum + r.costMicros, 0),
    sample: sampled.length < entering.length ? { customers: sampled.length, of: entering.length } : null,
  };
}
