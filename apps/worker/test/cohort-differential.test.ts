/**
 * Differential test of the two executors, on the real Temporal dev server and PostgreSQL: the same customers (the
 * first CDNOW customers) with the same seeded random event timelines enter one journey once through per-customer
 * `journeyRun`s and once through `cohortRun`s (small cohorts that continue as new on the way), and every customer's
 * path (run_steps with outcomes), messages, holdout, split arm and outcome must be the same. The journey has a split,
 * a holdout, a goal and two waits; events arrive while a customer waits (a login ends the wait, a purchase is the
 * goal, some are delivered twice, some are for the other wait). `COHORT_DIFF_CUSTOMERS` scales it (200 by default).
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { messages, runs } from '@wakeflow/db';
import {
  COHORT_RUN_STATE_QUERY,
  RUN_STATE_QUERY,
  type CohortRunResult,
  type JourneyGraphInput,
  type RunState,
} from '@wakeflow/journey';
import { createRunStarter, type RoutableEvent } from '@wakeflow/temporal';
import { createJourneyBench, eventually, recordHistoryIfAsked, type JourneyBench } from '@wakeflow/testing';
import type { Worker } from '@temporalio/worker';
import { addWinBackTemplates, outcomesOf, publishScaled, type CustomerOutcome } from './cohort-support';

const CUSTOMERS = Number(process.env.COHORT_DIFF_CUSTOMERS ?? 200);
/** A plan minute lasts this long: each wait is one plan minute. */
const MS_PER_PLAN_MINUTE = 15_000;
const SEED = 20261207;

const graph: JourneyGraphInput = {
  nodes: [
    { id: 'trigger', type: 'api_trigger', config: {} },
    {
      id: 'ab',
      type: 'split',
      config: {
        arms: [
          { name: 'email_first', percent: 50 },
          { name: 'sms_first', percent: 50 },
        ],
      },
    },
    { id: 'gift_email', type: 'send', config: { channel: 'email', templateId: 'gift-email' } },
    { id: 'gift_sms', type: 'send', config: { channel: 'sms', templateId: 'gift-sms' } },
    {
      id: 'wait_return',
      type: 'wait_for_event',
      config: { events: [{ event: 'login' }], timeout: { amount: 1, unit: 'minutes' } },
    },
    { id: 'returned', type: 'exit', config: { outcome: 'reactivated' } },
    { id: 'second_sms', type: 'send', config: { channel: 'sms', templateId: 'second-sms' } },
    {
      id: 'wait_second',
      type: 'wait_for_event',
      config: { events: [{ event: 'login' }], timeout: { amount: 1, unit: 'minutes' } },
    },
    { id: 'returned_late', type: 'exit', config: { outcome: 'reactivated' } },
    { id: 'still_dormant', type: 'exit', config: { outcome: 'still_dormant' } },
  ],
  edges: [
    { source: 'trigger', target: 'ab' },
    { source: 'ab', outcome: 'email_first', target: 'gift_email' },
    { source: 'ab', outcome: 'sms_first', target: 'gift_sms' },
    { source: 'gift_email', target: 'wait_return' },
    { source: 'gift_sms', target: 'wait_return' },
    { source: 'wait_return', outcome: 'login', target: 'returned' },
    { source: 'wait_return', outcome: 'timeout', target: 'second_sms' },
    { source: 'second_sms', target: 'wait_second' },
    { source: 'wait_second', outcome: 'login', target: 'returned_late' },
    { source: 'wait_second', outcome: 'timeout', target: 'still_dormant' },
  ],
};

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * What a customer does: an event `delayMs` after their run is seen waiting at `at` (asked of the run, or of its
 * cohort, by the run-state query), maybe delivered twice.
 */
interface PlannedEvent {
  at: 'wait_return' | 'wait_second';
  name: 'login' | 'purchase';
  delayMs: number;
  twice: boolean;
}

/**
 * The first `n` CDNOW customers, each with a timeline drawn from a seeded generator, weighted by how often they
 * bought: repeat buyers tend to come back (a login in one of the waits, or a purchase), one-time buyers mostly not.
 */
async function cdnowCustomers(n: number): Promise<{ externalId: string; timeline: PlannedEvent[] }[]> {
  const text = await readFile(new URL('../../../data/cdnow/CDNOW_master.txt', import.meta.url), 'utf8');
  const purchases = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [id] = line.trim().split(/\s+/);
    if (!id || !/^\d+$/.test(id)) continue;
    if (!purchases.has(id) && purchases.size >= n) break;
    purchases.set(id, (purchases.get(id) ?? 0) + 1);
  }
  const next = random(SEED);
  return [...purchases].map(([id, count]) => {
    const comesBack = next() < Math.min(0.85, 0.2 + count * 0.15);
    const timeline: PlannedEvent[] = [];
    if (comesBack) {
      const roll = next();
      timeline.push({
        at: roll < 0.5 ? 'wait_return' : 'wait_second',
        name: roll < 0.8 ? 'login' : 'purchase',
        delayMs: 300 + Math.floor(next() * 1_000),
        twice: next() < 0.25,
      });
    }
    return { externalId: `cdnow-${id}`, timeline };
  });
}

describe('cohort executor against per-customer runs', () => {
  let bench: JourneyBench;
  let worker: Worker;
  let running: Promise<void>;
  let journeyId: string;
  let people: { externalId: string; customerId: string; timeline: PlannedEvent[] }[];

  beforeAll(async () => {
    bench = await createJourneyBench({ timeSkipping: false });
    await bench.relaxSendingRules();
    await addWinBackTemplates(bench);
    ({ journeyId } = await publishScaled(
      bench,
      graph,
      { goal: { event: 'purchase', outcome: 'purchased' }, reentry: { mode: 'always' }, holdoutPercent: 10 },
      MS_PER_PLAN_MINUTE,
    ));
    people = [];
    for (const c of await cdnowCustomers(CUSTOMERS))
      people.push({ ...c, customerId: await bench.customer(c.externalId) });
    // Cached workflows: the driver asks runs and cohorts where they are, often.
    worker = await bench.newWorker({ maxCachedWorkflows: 1_000 });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await bench?.close();
  });

  /**
   * Enters everybody as entry `entry` with `starter`, plays each customer's timeline against their run (an event
   * goes out `delayMs` after the run is seen at its wait) and waits for every run to end.
   */
  async function enterAndPlay(entry: number, starter: ReturnType<typeof createRunStarter>) {
    // Played while the entries are still being started: the first runs are on their way long before the last starts.
    const starting = starter.startRuns({
      workspaceId: 'test',
      journeyId,
      entries: people.map((p) => ({ customerId: p.customerId, entry })),
    });
    let allStarted = false;
    let startFailed: Error | undefined;
    starting.then(
      () => (allStarted = true),
      (error: unknown) => (startFailed = error instanceof Error ? error : new Error(String(error))),
    );
    const byCustomer = new Map(people.map((p) => [p.customerId, p]));
    type Handle = { runId: string; workflowId: string; cohortWorkflowId: string | null };
    const handles = new Map<string, Handle>();
    /** Whether the customer's run waits at `step` now, as its run (or its cohort) answers. */
    const waitsAt = async (customerId: string, step: string): Promise<boolean> => {
      const r = handles.get(customerId);
      if (!r) return false;
      const state = r.cohortWorkflowId
        ? await bench.env.client.workflow
            .getHandle(r.cohortWorkflowId)
            .query<RunState | null, [string]>(COHORT_RUN_STATE_QUERY, r.runId)
        : await bench.env.client.workflow.getHandle(r.workflowId).query<RunState>(RUN_STATE_QUERY);
      return state?.currentStepId === step && state.waitingFor?.kind === 'event';
    };
    const ended = async () => {
      const rows = await bench.database.db
        .select({ status: runs.status })
        .from(runs)
        .where(and(eq(runs.journeyId, journeyId), eq(runs.entry, entry)));
      return rows.every((r) => r.status !== 'running');
    };
    const due = new Map<string, { event: PlannedEvent; atMs: number }>();
    const sent = new Set<string>();
    const asking = new Set<string>();
    /** The message a customer gets right before each wait: only then is the run asked where it is. */
    const before = (nodeId: string | null): PlannedEvent['at'] | undefined =>
      nodeId === 'second_sms' ? 'wait_second' : nodeId?.startsWith('gift_') ? 'wait_return' : undefined;
    await eventually(
      async () => {
        const { db } = bench.database;
        const entered = await db
          .select({
            customerId: runs.customerId,
            runId: runs.id,
            workflowId: runs.workflowId,
            cohortWorkflowId: runs.cohortWorkflowId,
          })
          .from(runs)
          .where(and(eq(runs.journeyId, journeyId), eq(runs.entry, entry)));
        for (const { customerId, ...handle } of entered) handles.set(customerId, handle);
        const touched = await db
          .select({ customerId: messages.customerId, nodeId: messages.nodeId })
          .from(messages)
          .innerJoin(runs, eq(runs.id, messages.runId))
          .where(and(eq(runs.journeyId, journeyId), eq(runs.entry, entry)));
        const asks: { key: string; customerId: string; event: PlannedEvent }[] = [];
        for (const row of touched) {
          const person = byCustomer.get(row.customerId)!;
          person.timeline.forEach((event, i) => {
            const key = `${entry}:${person.externalId}:${i}`;
            if (!due.has(key) && before(row.nodeId) === event.at)
              asks.push({ key, customerId: row.customerId, event });
          });
        }
        // Asked without waiting for the answer: one slow run must not delay the others' events.
        for (const ask of asks) {
          if (asking.has(ask.key)) continue;
          asking.add(ask.key);
          void waitsAt(ask.customerId, ask.event.at)
            .then((waits) => {
              if (waits) due.set(ask.key, { event: ask.event, atMs: Date.now() + ask.event.delayMs });
            })
            .finally(() => asking.delete(ask.key));
        }
        const now = Date.now();
        const events: RoutableEvent[] = [];
        for (const [key, planned] of due) {
          if (sent.has(key) || planned.atMs > now) continue;
          sent.add(key);
          const customerId = people.find((p) => key.startsWith(`${entry}:${p.externalId}:`))!.customerId;
          const routable: RoutableEvent = {
            workspaceId: 'test',
            customerId,
            eventId: `diff-${key}`,
            name: planned.event.name,
            properties: {},
            occurredAt: new Date(),
          };
          events.push(routable);
          if (planned.event.twice) events.push(routable);
        }
        if (events.length > 0) await bench.router.route(events);
        if (startFailed) throw startFailed;
        return entered.length === people.length && allStarted && (await ended()) ? true : undefined;
      },
      { what: `every run of entry ${entry} to end`, timeoutMs: 240_000 },
    );
    const results = await starting;
    expect(results.filter((r) => r.started)).toHaveLength(people.length);
    return results;
  }

  it('gives every customer the same path, messages and outcome', async () => {
    const db = bench.database.db;
    const client = bench.env.client;
    // Per customer: never cohorts. Then the same customers again (entry 2: the same hashes decide their holdout
    // and arm) through cohorts of 40 that continue as new every 100 history events.
    await enterAndPlay(1, createRunStarter({ db, client, cohorts: { threshold: Infinity, size: 1 } }));
    const cohortResults = await enterAndPlay(
      2,
      createRunStarter({ db, client, cohorts: { threshold: 1, size: 40, historyEventLimit: 100 } }),
    );
    const cohortIds = [...new Set(cohortResults.map((r) => (r.started ? r.cohortWorkflowId : undefined)))];
    expect(cohortIds.length).toBe(Math.ceil(people.length / 40));
    // Every cohort carried its members across continueAsNew at least once.
    for (const id of cohortIds) {
      const result = (await client.workflow.getHandle(id!).result()) as CohortRunResult;
      expect(result.runs).toBeGreaterThan(1);
    }
    // For the replay gate: a cohort's last run (members carried in and run to their end) and the run before it (which
    // continued as new, carrying them).
    const last = await client.workflow.getHandle(cohortIds[0]!).fetchHistory();
    const previousRunId =
      last.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
    expect(previousRunId).toBeTruthy();
    await recordHistoryIfAsked(client, cohortIds[0]!, 'cohort-folded-continued-last-run');
    await recordHistoryIfAsked(client, cohortIds[0]!, 'cohort-folded-continued-earlier-run', previousRunId);

    const single = await outcomesOf(bench, journeyId, 1);
    const cohort = await outcomesOf(bench, journeyId, 2);
    expect([...single.values()].every((o) => o.cohortWorkflowId === null)).toBe(true);
    expect([...cohort.values()].every((o) => o.cohortWorkflowId !== null)).toBe(true);
    const compared = (o: CustomerOutcome | undefined) => o && { ...o, cohortWorkflowId: undefined };
    const differences = people.flatMap((p) => {
      const a = compared(single.get(p.externalId));
      const b = compared(cohort.get(p.externalId));
      const line = (o: typeof a) =>
        o &&
        `${o.outcome} ${o.path.map((x) => `${x.nodeId}:${x.outcome}`).join(' ')} | ${o.messages.map((m) => `${m.nodeId}:${m.status}`).join(' ')}`;
      return JSON.stringify(a) === JSON.stringify(b)
        ? []
        : [`${p.externalId} ${JSON.stringify(p.timeline)}\n  single: ${line(a)}\n  cohort: ${line(b)}`];
    });
    expect(differences).toEqual([]);
    // The timelines did reach both executors: every outcome occurs.
    const outcomes = new Set([...cohort.values()].map((o) => o.outcome));
    expect(outcomes).toEqual(new Set(['reactivated', 'purchased', 'still_dormant']));
    expect([...cohort.values()].some((o) => o.holdout)).toBe(true);
  }, 600_000);
});
