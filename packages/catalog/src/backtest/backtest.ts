/**
 * A journey backtested over the workspace's past (docs/backtest.md). One pass over the event log in time order
 * (a cursor, a page at a time), one UTC day after another:
 *   1. the day's events move the as-of facts forward and reach the runs of their customers;
 *   2. runs are driven by the journey machine up to the end of the day (./run-tracker.ts);
 *   3. at the end of the day the trigger is evaluated as the sweep would have evaluated it then (the segment
 *      compiler's SQL over the as-of facts, @wakeflow/audience `AsOfAudience`), the sweep's re-entry policy
 *      (`mayEnter`) decides who enters, and a customer still in a run is refused, as the run starter refuses;
 *   4. entrants start a run at that instant and follow the plan against what they really did afterwards.
 * Sends are judged by the send path's rules without sending (`judgeDrySend`); other activity steps take their
 * first path. After the last day no one enters, and the log is read on until every run has ended (or the log and
 * the clock have: those runs are reported open). Per customer only a few numbers are kept (typed arrays by index)
 * and the active runs, so memory does not grow with the events.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import {
  AsOfAudience,
  dormancyStageOf,
  FIELDS_WITHOUT_HISTORY,
  loadAudienceSettings,
  mayEnter,
  mayEnterAgainFromMs,
  type MemberState,
  prepareTrigger,
  type EntrantFacts,
  type HistoryEvent,
} from '@wakeflow/audience';
import { loadChannelSettings, memoizeSendTime } from '@wakeflow/channels';
import type { BacktestReport, BacktestRequest } from '@wakeflow/contracts';
import { journeys, journeyVersions, providers, templates, type Database } from '@wakeflow/db';
import {
  isInHoldout,
  nextLocalTime,
  planListensTo,
  planSchema,
  reentryRefusal,
  type Plan,
} from '@wakeflow/journey';
import type { MachineRun } from '@wakeflow/journey/machine';
import type { Channel, SendWindow } from '@wakeflow/nodes';
import { createCatalog } from '../installation';
import { judgeDrySend, type DryRunWorld } from '../dry-run/dry-run-services';
import { RunTracker, type TrackedRunHooks } from './run-tracker';
import {
  BacktestReportBuilder,
  newRunTally,
  type EntrantInfo,
  type RunTally,
  type SendDecision,
  type SendDecisionKind,
} from './report';

const DAY_MS = 86_400_000;
/** Events read from the cursor at a time (the cursor's round trips against the memory of one page). */
const EVENT_PAGE = 10_000;
/** How long the cap looks back at most; dispatch times older than this are dropped from memory. */
const CAP_MEMORY_MS = 60 * DAY_MS;

/** Bad input, named by field; the API answers 400 with it. */
export class BacktestInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'BacktestInputError';
  }
}

interface RunningEntrant extends EntrantInfo {
  customer: EntrantFacts;
  /** The run's steps as the report has added them up so far. */
  tally: RunTally;
  /** Marketing dispatch times the cap counts: the customer's recent ones when the run started, then the run's own. */
  counted: Date[];
}

async function loadPlan(db: Database, workspaceId: string, journeyId: string, version?: number) {
  const [journey] = await db
    .select({ id: journeys.id, name: journeys.name, liveVersion: journeys.liveVersion })
    .from(journeys)
    .where(and(eq(journeys.workspaceId, workspaceId), eq(journeys.id, journeyId)));
  if (!journey) throw new BacktestInputError('journey', `No journey ${journeyId} in this workspace`);
  const wanted = version ?? journey.liveVersion ?? undefined;
  const [row] = await db
    .select({ version: journeyVersions.version, plan: journeyVersions.plan })
    .from(journeyVersions)
    .where(
      and(
        eq(journeyVersions.journeyId, journeyId),
        ...(wanted !== undefined ? [eq(journeyVersions.version, wanted)] : []),
      ),
    )
    .orderBy(desc(journeyVersions.version))
    .limit(1);
  if (!row)
    throw new BacktestInputError(
      'version',
      wanted !== undefined ? `The journey has no version ${wanted}` : 'The journey has no published version',
    );
  return { journey, version: row.version, plan: planSchema.parse(row.plan) };
}

async function loadWorld(db: Database, workspaceId: string): Promise<DryRunWorld> {
  const rows = await db.select().from(templates).where(eq(templates.workspaceId, workspaceId));
  return {
    workspaceId,
    settings: await loadChannelSettings(db, workspaceId),
    templates: new Map(rows.map((t) => [t.id, t])),
    catalog: createCatalog(),
    // Runs enter at the end of a day and their waits end at the end of a later one: few instants, many sends.
    sendTime: memoizeSendTime(),
  };
}

async function loadUnitCosts(db: Database, workspaceId: string): Promise<Map<string, number>> {
  const rows = await db
    .select({ channel: providers.channel, micros: providers.unitCostMicros })
    .from(providers)
    .where(and(eq(providers.workspaceId, workspaceId), eq(providers.isDefault, true)));
  return new Map(rows.map((r) => [r.channel, r.micros]));
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export interface BacktestInput extends BacktestRequest {
  workspaceId: string;
  journeyId: string;
  /** The end of history (default: now): runs still going then are reported open. */
  nowMs?: number;
  /**
   * false: evaluate the trigger with the segment's SQL each day even when it could be evaluated in memory. The
   * result is the same (tests and the benchmark compare the two); only the time differs.
   */
  inMemory?: boolean;
  /** Events per cursor page (default 10,000). The report does not depend on it; tests make it small. */
  pageSize?: number;
}

export async function runBacktest(db: Database, input: BacktestInput): Promise<BacktestReport> {
  const started = performance.now();
  const { workspaceId, journeyId } = input;
  const fromMs = Date.parse(`${input.from}T00:00:00Z`);
  const toMs = Date.parse(`${input.to}T00:00:00Z`);
  if (!Number.isFinite(fromMs)) throw new BacktestInputError('from', 'Use a date like 2026-01-31');
  if (!Number.isFinite(toMs) || toMs < fromMs)
    throw new BacktestInputError('to', 'Use a date like 2026-01-31, not before from');
  const nowMs = input.nowMs ?? Date.now();
  const pageSize = input.pageSize ?? EVENT_PAGE;
  if (!Number.isInteger(pageSize) || pageSize < 1)
    throw new BacktestInputError('pageSize', 'Use a whole number of events, at least 1');
  if (fromMs > nowMs)
    throw new BacktestInputError('from', 'A backtest looks at the past: from is in the future');

  const { journey, version, plan } = await loadPlan(db, workspaceId, journeyId, input.version);
  const segmentId = plan.trigger.config.segmentId;
  if (plan.trigger.type !== 'audience_trigger' || typeof segmentId !== 'string')
    throw new BacktestInputError(
      'journey',
      'Only journeys with an audience trigger can be backtested (their entry is a segment evaluated over time)',
    );
  const audienceSettings = await loadAudienceSettings(db, workspaceId);
  const trigger = await prepareTrigger(db, workspaceId, segmentId, audienceSettings);
  const [world, unitCostMicros] = await Promise.all([
    loadWorld(db, workspaceId),
    loadUnitCosts(db, workspaceId),
  ]);
  const reentry = plan.settings.reentry;
  const listened = new Set(planListensTo(plan));
  const machinePlan: MachineRun['plan'] = {
    entryStepId: plan.entryStepId,
    steps: plan.steps,
    settings: plan.settings,
  };
  const report = new BacktestReportBuilder();
  const counted = new Map<string, Date[]>();

  // Each activity step's first path: what a backtest answers for a step it does not run.
  const firstPath = new Map(
    Object.values(plan.steps).map((step) => [step.id, Object.keys(step.next)[0] ?? 'next']),
  );
  // Many runs share a call's instant and a decision: one Date and one decision object each, not one per call (the
  // active runs keep them, and at a million customers that is most of their memory).
  let lastAt = { iso: '', date: new Date(0) };
  const dateOf = (iso: string) => {
    if (lastAt.iso !== iso) lastAt = { iso, date: new Date(iso) };
    return lastAt.date;
  };
  // Interned by step (a step has one channel), decision and reason: maps of few keys, no key string built per
  // call (a backtest at 1M customers judges ~20M sends).
  const decisions = new Map<string, Map<SendDecisionKind, Map<string, SendDecision>>>();
  const sendDecision = (stepId: string, channel: string, decision: SendDecisionKind, reason?: string) => {
    let ofStep = decisions.get(stepId);
    if (!ofStep) decisions.set(stepId, (ofStep = new Map<SendDecisionKind, Map<string, SendDecision>>()));
    let ofKind = ofStep.get(decision);
    if (!ofKind) ofStep.set(decision, (ofKind = new Map<string, SendDecision>()));
    let known = ofKind.get(reason ?? '');
    if (!known)
      ofKind.set(reason ?? '', (known = { stepId, channel, decision, ...(reason ? { reason } : {}) }));
    return known;
  };
  const hooks: TrackedRunHooks<RunningEntrant> = {
    stepRecorded: (step, run, entrant) => report.stepRecorded(run, entrant, entrant.tally, step),
    nextLocalTime: (request, entrant) =>
      nextLocalTime(
        new Date(request.after),
        entrant.customer.timezone,
        request.time,
        request.weekdays,
      ).toISOString(),
    runNode: (call, _run, entrant) => {
      const step = plan.steps[call.stepId];
      if (step?.op !== 'activity') throw new Error(`Step ${call.stepId} is not an activity`);
      const first = firstPath.get(step.id)!;
      if (!step.sendsMessage) {
        report.defaultedNode(call.stepId);
        return { outcome: first };
      }
      const config = step.config as { channel?: Channel; templateId?: string; sendWindow?: SendWindow };
      const at = dateOf(call.at);
      const decision = judgeDrySend(
        world,
        entrant.customer,
        {
          channel: config.channel ?? 'email',
          templateId: config.templateId ?? '',
          holdout: call.holdout,
          at,
          priority: plan.settings.priority,
          ...(config.sendWindow ? { sendWindow: config.sendWindow } : {}),
        },
        entrant.counted,
      );
      const kind: SendDecisionKind =
        decision.reason === 'holdout'
          ? 'held_out'
          : decision.status === 'sent'
            ? 'sent'
            : decision.status === 'deferred'
              ? 'deferred'
              : 'skipped';
      entrant.decisions.push(sendDecision(call.stepId, config.channel ?? step.type, kind, decision.reason));
      if (kind === 'sent' && decision.category === 'marketing') entrant.counted.push(at);
      if (decision.status === 'deferred' && decision.retryAt)
        return { outcome: first, retryAt: decision.retryAt };
      return { outcome: first };
    },
  };

  // Who is in a run, by customer index (set when the as-of audience is open).
  let inRun = new Uint8Array(0);
  const tracker = new RunTracker<RunningEntrant>(hooks, (finished) => {
    const { run, info, result, open } = finished;
    report.ended({ run, info, tally: info.tally, status: result.status, outcome: result.outcome, open });
    inRun[finished.info.customer.index] = 0;
    const { customerId } = finished.run;
    const dispatched = finished.info.counted;
    const recent =
      dispatched.length === 0
        ? dispatched
        : dispatched.filter((d) => d.getTime() > finished.horizonMs - CAP_MEMORY_MS);
    if (recent.length) counted.set(customerId, recent);
    else counted.delete(customerId);
  });

  const built = await db.transaction(async (tx) => {
    const audience = await AsOfAudience.open(tx, {
      workspaceId,
      trigger,
      startIso: new Date(fromMs).toISOString(),
      ...(input.inMemory === false ? { inMemory: false } : {}),
      heardNames: [...listened],
    });
    // Re-entry state per customer index (1-based), as the sweep keeps it in journey_audience_members.
    const entries = new Int32Array(audience.customers + 1);
    const lastEnteredMs = new Float64Array(audience.customers + 1);
    const lastMatchedDay = new Int32Array(audience.customers + 1).fill(-1);
    // Under 'once' and 'after', from when each customer may enter again (0: never entered), as the rule says at
    // their last entry: the daily pass below then reads one number a customer instead of asking the rule of each.
    const enterableFromMs = new Float64Array(audience.customers + 1);
    inRun = new Uint8Array(audience.customers + 1);
    // The customers the daily pass asks about, refilled each day (a view of its first n, not a new array).
    const amongBuffer = new Int32Array(audience.customers);
    // The holdout draw is a hash of the journey and the customer, the same at every entry: drawn once a customer.
    const drawn = new Uint8Array(audience.customers + 1);
    const holdoutOf = (customer: EntrantFacts) => {
      if (drawn[customer.index] === 0)
        drawn[customer.index] = isInHoldout(journeyId, customer.customerId, plan.settings.holdoutPercent)
          ? 2
          : 1;
      return drawn[customer.index] === 2;
    };
    const member: MemberState = { entries: 0, lastEnteredAt: null, lastMatchedSweep: null };
    const enteredAt = new Date(0);

    let page: HistoryEvent[] = [];
    let pageAt = 0;
    let logEnded = false;
    // The next page is asked for as soon as one arrives, so PostgreSQL reads it while this process works through
    // the one it has (one page ahead: memory stays two pages).
    let nextPage: Promise<HistoryEvent[]> | undefined;
    const fetchPage = () => {
      const fetching = audience.nextEvents(pageSize);
      // Awaited when the page is needed; a failure is thrown there, not left unhandled meanwhile.
      fetching.catch(() => undefined);
      return fetching;
    };
    /** The events up to `horizonMs` not read yet, at most `limit` of them. */
    const eventsUntil = async (horizonMs: number, limit = Infinity): Promise<HistoryEvent[]> => {
      const taken: HistoryEvent[] = [];
      while (taken.length < limit) {
        if (pageAt >= page.length) {
          if (logEnded) return taken;
          page = await (nextPage ?? fetchPage());
          nextPage = page.length > 0 ? fetchPage() : undefined;
          pageAt = 0;
          if (page.length === 0) {
            logEnded = true;
            return taken;
          }
        }
        const next = page[pageAt]!;
        if (next.occurredAtMs > horizonMs) return taken;
        taken.push(next);
        pageAt += 1;
      }
      return taken;
    };
    const route = (events: readonly HistoryEvent[]) => {
      for (const e of events) {
        // Only events a run may hear carry their ids and name (the cursor's `heardNames`).
        const { customerId, eventId, name } = e;
        if (customerId === null || eventId === null || name === null) continue;
        if (!listened.has(name) || inRun[e.index] === 0) continue;
        tracker.addEvent(customerId, {
          atMs: e.occurredAtMs,
          event: {
            eventId,
            name,
            properties: e.properties ?? {},
            occurredAt: new Date(e.occurredAtMs).toISOString(),
          },
        });
      }
    };

    // Events before the window (read only when the trigger is evaluated in memory: they move its facts and
    // counts), a page at a time so they are never all in memory. No run hears them.
    for (;;) {
      const before = await eventsUntil(fromMs - 1, pageSize);
      if (before.length === 0) break;
      await audience.applyEvents(before);
    }

    const lastDay = Math.round((toMs - fromMs) / DAY_MS);
    for (let day = 0; day <= lastDay; day++) {
      const endMs = fromMs + (day + 1) * DAY_MS - 1;
      const events = await eventsUntil(endMs);
      await audience.applyEvents(events);
      route(events);
      // Runs go no further than the end of history: a window's last day may end after now.
      tracker.advanceTo(Math.min(endMs, nowMs));

      const nowIso = new Date(endMs).toISOString();
      const now = new Date(endMs);
      const sweep = { sweepId: day, previousSweepId: day > 0 ? day - 1 : null, now };
      // One membership object and date, refilled per customer asked.
      const allows = (index: number) => {
        const count = entries[index]!;
        const matchedDay = lastMatchedDay[index]!;
        if (count === 0 && matchedDay < 0) return mayEnter(reentry, undefined, sweep);
        enteredAt.setTime(lastEnteredMs[index]!);
        member.entries = count;
        member.lastEnteredAt = count > 0 ? enteredAt : null;
        member.lastMatchedSweep = matchedDay >= 0 ? matchedDay : null;
        return mayEnter(reentry, member, sweep);
      };
      // Who could enter if they matched: with re-entry 'once' or 'after', whether a customer matched matters only
      // to those the policy lets in and who are not in a run, so only they are asked about. With 'always', whether
      // a customer matched yesterday decides today, so everyone is.
      let among: Int32Array | undefined;
      if (reentry.mode !== 'always') {
        let asked = 0;
        for (let index = 1; index <= audience.customers; index++)
          if (inRun[index] === 0 && enterableFromMs[index]! <= endMs) amongBuffer[asked++] = index;
        among = asked > audience.customers / 2 ? undefined : amongBuffer.subarray(0, asked);
      }
      const matched = await audience.matchingAt(nowIso, among);
      const candidates = matched.filter(allows);
      for (const index of matched) lastMatchedDay[index] = day;
      let entered = 0;
      let newCustomers = 0;
      const today = dayOf(endMs);
      for (const { customer, lastActivityMs } of await audience.entrants(candidates)) {
        // The rule every entry obeys, as the run starter applies it (a customer still in a run is refused).
        const last = entries[customer.index]
          ? {
              status: inRun[customer.index] ? 'running' : 'completed',
              startedAt: new Date(lastEnteredMs[customer.index]!),
            }
          : undefined;
        if (reentryRefusal(reentry, last, now)) continue;
        const before = entries[customer.index] ?? 0;
        if (before === 0) newCustomers += 1;
        entries[customer.index] = before + 1;
        lastEnteredMs[customer.index] = endMs;
        if (reentry.mode !== 'always')
          enterableFromMs[customer.index] = mayEnterAgainFromMs(reentry, new Date(endMs));
        entered += 1;
        inRun[customer.index] = 1;
        const run: MachineRun = {
          journeyId,
          customerId: customer.customerId,
          holdout: holdoutOf(customer),
          plan: machinePlan,
        };
        tracker.start(run, endMs, {
          day: today,
          dormancyStage: dormancyStageOf(lastActivityMs, now, audienceSettings),
          valueTier: customer.valueTier,
          decisions: [],
          tally: newRunTally(),
          customer,
          counted: counted.get(customer.customerId)?.slice() ?? [],
        });
      }
      report.entered(today, entered, newCustomers);
      tracker.advanceTo(Math.min(endMs, nowMs));
    }

    // No one enters after the window; the runs follow the log until they end, or the log and the clock do.
    for (let endMs = toMs + 2 * DAY_MS - 1; tracker.size > 0 && endMs < nowMs; endMs += DAY_MS) {
      route(await eventsUntil(endMs));
      tracker.advanceTo(endMs);
    }
    route(await eventsUntil(nowMs));
    tracker.finishAll(nowMs);
    await nextPage;
    await audience.close();
    return report.build(
      {
        journey: { id: journey.id, name: journey.name, version },
        window: { from: input.from, to: input.to, days: lastDay + 1 },
        evaluation: {
          instant: 'the end of each UTC day (23:59:59.999)',
          triggerSegmentId: segmentId,
          reentry,
          method: audience.sqlReason
            ? `the segment's SQL once a day (${audience.sqlReason})`
            : 'in memory (as-of facts and event counts; static leaves by their SQL once)',
        },
        customers: audience.customers,
        unitCostMicros,
        stepLabels: stepLabels(plan),
        fieldsWithoutHistory: FIELDS_WITHOUT_HISTORY,
        rulesJudged: true,
        rulesNote:
          "Sends judged by the send path's rules (holdout, template, consent, recipient, quiet hours, send window, frequency cap) with today's consent and addresses; the cap counts this journey's backtest sends only. Templates are not rendered.",
      },
      0,
    );
  });
  return { ...built, tookMs: Math.round(performance.now() - started) };
}

function stepLabels(plan: Plan): Map<string, { name: string; type: string }> {
  return new Map(
    Object.values(plan.steps).map((s) => [s.id, { name: s.name ?? s.id, type: s.type }] as const),
  );
}

/** The first and last UTC day of the workspace's event log: the CLI's and the benchmark's default window. */
export async function eventLogSpan(
  db: Database,
  workspaceId: string,
): Promise<{ first: string; last: string } | null> {
  const rows = await db.execute<{ first: Date | null; last: Date | null }>(
    sql`select min(occurred_at) as first, max(occurred_at) as last from events where workspace_id = ${workspaceId}`,
  );
  const row = rows.rows[0];
  if (!row?.first || !row.last) return null;
  return { first: dayOf(new Date(row.first).getTime()), last: dayOf(new Date(row.last).getTime()) };
}
