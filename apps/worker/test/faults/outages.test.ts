/**
 * The fault suite (issue 14, item 9): while a batch of customers is mid-journey and their events are arriving, one
 * part of the product fails — (a) the worker is SIGKILLed, (b) the Temporal server stops and starts again, (c)
 * PostgreSQL stops for 12 s and starts again, (d) the API is killed during a CSV import of events. Afterwards every
 * customer's path, every message as the SMTP server and the SMS gateway received it, and every event's routing must be
 * exactly what they would have been without the fault: nothing lost, nothing twice — except the one documented
 * window (a worker killed after an SMTP server accepted a mail but before the receipt was noted), which is counted.
 *
 * All of it runs on a stack of its own (fault-stack.ts): stopping its PostgreSQL or Temporal harms no other test.
 * The journey: email → wait up to a minute for a login → welcome SMS (came back) or second-wave SMS (did not).
 * Half the customers log in once their wait has begun; clients retry like a real integrator (same event id, on 503 or
 * a dropped connection).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, like, sql } from 'drizzle-orm';
import { customers, eventOutbox, events, messages, runs } from '@wakeflow/db';
import { upsertCustomers } from '@wakeflow/audience';
import { RUN_STATE_QUERY, type RunState } from '@wakeflow/journey';
import {
  FAULT_WORKSPACE as WS,
  configureChannels,
  publishJourney,
  startFaultStack,
  type FaultStack,
} from './fault-stack';

const CUSTOMERS = 10;
/** Rows of real purchase history in the imported file: enough that the import is still running when the API dies. */
const CSV_HISTORY_ROWS = 20_000;
const cdnowMaster = fileURLToPath(new URL('../../../../data/cdnow/CDNOW_master.txt', import.meta.url));

/**
 * How long before the kill a mail's first copy may have been accepted and still be resent: the time from the SMTP
 * server's answer to the worker's heartbeat reaching Temporal, generous for a loaded 2-core machine.
 */
const RESEND_WINDOW_MS = 3_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls until `probe` answers. Generous: a send in flight when the worker was killed waits out its start-to-close
 * timeout and the row's lease (a minute each) before the new worker retries it.
 */
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 240_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(150);
  }
}

interface Scenario {
  name: string;
  customers: { externalId: string; email: string; phone: string; comesBack: boolean }[];
  journeyId: string;
}

describe('fault suite: nothing lost, nothing twice', () => {
  let stack: FaultStack;

  /** A client that retries like a real integrator: the same request again after a 503 or a dropped connection. */
  async function request(method: string, path: string, body?: unknown, contentType = 'application/json') {
    return until(`${method} ${path}`, async () => {
      const response = await fetch(`${stack.apiUrl}${path}`, {
        method,
        headers: { 'Content-Type': contentType },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      if (response.status === 503) return undefined;
      return response;
    });
  }

  beforeAll(async () => {
    stack = await startFaultStack();
    await configureChannels(stack);
  }, 300_000);

  afterAll(async () => {
    await stack?.close();
  }, 60_000);

  let scenarios = 0;
  async function prepare(name: string): Promise<Scenario> {
    const { db } = stack;
    scenarios += 1;
    const list = Array.from({ length: CUSTOMERS }, (_, i) => ({
      externalId: `${name}-${i}`,
      email: `${name}-${i}@example.com`,
      phone: `+4915100${scenarios}${String(i).padStart(4, '0')}`,
      comesBack: i % 2 === 0,
    }));
    await upsertCustomers(
      db,
      WS,
      list.map((c) => ({
        externalId: c.externalId,
        email: c.email,
        phone: c.phone,
        consent: { email: true, sms: true },
        timezone: 'UTC',
      })),
    );
    const graph = {
      nodes: [
        { id: 't', type: 'api_trigger', config: {} },
        { id: 'gift', type: 'send', config: { channel: 'email', templateId: 'gift' } },
        {
          id: 'w',
          type: 'wait_for_event',
          config: {
            events: [{ event: 'login', outcome: 'back' }],
            timeout: { amount: 1, unit: 'minutes' },
          },
        },
        { id: 'welcome', type: 'send', config: { channel: 'sms', templateId: 'welcome' } },
        { id: 'second', type: 'send', config: { channel: 'sms', templateId: 'second' } },
        { id: 'back', type: 'exit', config: { outcome: 'reactivated' } },
        { id: 'gone', type: 'exit', config: { outcome: 'still_dormant' } },
      ],
      edges: [
        { source: 't', target: 'gift' },
        { source: 'gift', target: 'w' },
        { source: 'w', outcome: 'back', target: 'welcome' },
        { source: 'w', outcome: 'timeout', target: 'second' },
        { source: 'welcome', target: 'back' },
        { source: 'second', target: 'gone' },
      ],
    };
    const journeyId = await publishJourney(stack, name, graph);
    return { name, customers: list, journeyId };
  }

  async function enterAll(s: Scenario): Promise<void> {
    for (const c of s.customers) {
      const response = await request('POST', `/api/journeys/${s.journeyId}/runs`, {
        customerExternalId: c.externalId,
      });
      expect(response.status, await response.clone().text()).toBeLessThan(300);
    }
  }

  async function workflowIdOf(s: Scenario, externalId: string): Promise<string> {
    return until(`the run of ${externalId}`, async () => {
      const [row] = await stack.db
        .select({ workflowId: runs.workflowId })
        .from(runs)
        .innerJoin(customers, eq(customers.id, runs.customerId))
        .where(and(eq(runs.journeyId, s.journeyId), eq(customers.externalId, externalId)));
      return row?.workflowId;
    });
  }

  /**
   * True once the run's wait has begun (asked of the workflow itself, through any outage) and is in its history
   * (its timeout timer started). A query can answer from a worker's cached state whose workflow task the kill then
   * loses: the task runs again later and the wait begins anew, after a login posted meanwhile, which is then older
   * than the wait and does not count (CI once saw that: the run ended `still_dormant`).
   */
  async function waitHasBegun(workflowId: string): Promise<void> {
    await until(`the wait of ${workflowId}`, async () => {
      const handle = stack.temporal().workflow.getHandle(workflowId);
      const state = await handle.query<RunState>(RUN_STATE_QUERY);
      if (state.currentStepId !== 'w' || state.waitingFor?.kind !== 'event') return undefined;
      const history = await handle.fetchHistory();
      return history.events?.some((e) => e.timerStartedEventAttributes) ? true : undefined;
    });
  }

  /** Posts each returning customer's login once their wait has begun. */
  async function loginsArrive(s: Scenario): Promise<void> {
    await Promise.all(
      s.customers
        .filter((c) => c.comesBack)
        .map(async (c) => {
          await waitHasBegun(await workflowIdOf(s, c.externalId));
          const event = {
            eventId: `login-${c.externalId}`,
            customerExternalId: c.externalId,
            name: 'login',
            occurredAt: new Date().toISOString(),
          };
          const response = await request('POST', '/api/events', event);
          expect(response.status, await response.clone().text()).toBe(202);
        }),
    );
  }

  interface Counted {
    /** Mails delivered more than once with the same Message-ID (the documented SMTP window). */
    smtpDuplicates: number;
    /** When the SMTP server first accepted each mail that it received again (epoch ms). */
    resentFirstAcceptedAt: number[];
  }

  /** Everything is exactly as it would have been without the fault. */
  async function expectExactOutcome(s: Scenario): Promise<Counted> {
    const { db } = stack;
    for (const c of s.customers) {
      const workflowId = await workflowIdOf(s, c.externalId);
      const result = await until(`the result of ${c.externalId}`, async () => {
        const handle = stack.temporal().workflow.getHandle(workflowId);
        return (await handle.result()) as { outcome: string };
      });
      expect(result.outcome, c.externalId).toBe(c.comesBack ? 'reactivated' : 'still_dormant');
    }
    // Runs: recorded as completed with the same outcome (the database and Temporal agree).
    const runRows = await db
      .select({ externalId: customers.externalId, status: runs.status, outcome: runs.outcome })
      .from(runs)
      .innerJoin(customers, eq(customers.id, runs.customerId))
      .where(eq(runs.journeyId, s.journeyId));
    expect(runRows).toHaveLength(CUSTOMERS);
    for (const row of runRows) {
      const comesBack = s.customers.find((c) => c.externalId === row.externalId)!.comesBack;
      expect(row, row.externalId).toMatchObject({
        status: 'completed',
        outcome: comesBack ? 'reactivated' : 'still_dormant',
      });
    }
    // Messages at the SMTP server: one gift per customer (a second copy only with the same Message-ID).
    let smtpDuplicates = 0;
    const resentFirstAcceptedAt: number[] = [];
    for (const c of s.customers) {
      const mails = stack.smtp.mails.filter((m) => m.to === c.email);
      expect(mails.length, c.email).toBeGreaterThanOrEqual(1);
      expect(new Set(mails.map((m) => m.messageId)).size, c.email).toBe(1);
      smtpDuplicates += mails.length - 1;
      if (mails.length > 1) resentFirstAcceptedAt.push(mails[0]!.receivedAt);
    }
    // Messages at the SMS gateway: exactly one per customer, and the right one for their path.
    for (const c of s.customers) {
      const delivered = [...stack.gateway.delivered.values()].filter((r) => r.to === c.phone);
      expect(
        delivered.map((r) => r.text),
        c.externalId,
      ).toEqual([c.comesBack ? 'welcome back' : 'second wave']);
    }
    // The message log: two rows per run, both sent.
    const rows = await db
      .select({ status: messages.status, attempts: messages.attempts, channel: messages.channel })
      .from(messages)
      .where(eq(messages.journeyId, s.journeyId));
    expect(rows).toHaveLength(CUSTOMERS * 2);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    // Events: each login stored once and routed (its outbox work done).
    const logins = await db
      .select({ eventId: events.eventId })
      .from(events)
      .where(and(eq(events.workspaceId, WS), like(events.eventId, `login-${s.name}-%`)));
    expect(logins).toHaveLength(s.customers.filter((c) => c.comesBack).length);
    // Every stored event's follow-up work (coupons, conversions, routing) is done: the outbox drains to empty.
    await until('the event outbox to drain', async () => {
      const [pending] = await db.select({ n: sql<number>`count(*)::int` }).from(eventOutbox);
      return pending?.n === 0 ? true : undefined;
    });
    return { smtpDuplicates, resentFirstAcceptedAt };
  }

  /** Attempts as the message log counts them: calls made to the provider. */
  async function attemptsOf(s: Scenario): Promise<number[]> {
    const rows = await stack.db
      .select({ attempts: messages.attempts })
      .from(messages)
      .where(eq(messages.journeyId, s.journeyId));
    return rows.map((r) => r.attempts);
  }

  async function mailsFor(s: Scenario): Promise<number> {
    const emails = new Set(s.customers.map((c) => c.email));
    return stack.smtp.mails.filter((m) => emails.has(m.to)).length;
  }

  /**
   * The faults come one after another, each while its own batch is sending and the earlier batches wait (so earlier
   * batches live through the later faults too, which changes nothing they may expect). Each wait lasts a minute, so
   * the outcomes are checked at the end rather than after each fault.
   */
  const batches: { scenario: Scenario; arriving: Promise<void> }[] = [];
  /** When (a) SIGKILLed the worker (epoch ms). */
  let workerKilledAt = 0;
  const batch = (name: string) => {
    const found = batches.find((b) => b.scenario.name === name);
    if (!found) throw new Error(`the ${name} fault did not run`);
    return found;
  };

  it('(a) kills the worker (SIGKILL) while it sends and runs wait, and starts a new one', async () => {
    const s = await prepare('kill-worker');
    const entering = enterAll(s);
    batches.push({ scenario: s, arriving: loginsArrive(s) });
    await until('the first gifts', async () => ((await mailsFor(s)) >= 3 ? true : undefined));
    workerKilledAt = Date.now();
    await stack.worker.kill();
    await sleep(1_000);
    await stack.worker.start();
    await entering;
  }, 300_000);

  it('(b) stops the Temporal server while mails go out and events arrive, and starts it again', async () => {
    const s = await prepare('restart-temporal');
    await enterAll(s);
    batches.push({ scenario: s, arriving: loginsArrive(s) });
    await until('the first gifts', async () => ((await mailsFor(s)) >= 3 ? true : undefined));
    await stack.temporalServer.stop();
    // Meanwhile the API still stores events and answers 202 at once: only their routing waits for Temporal.
    const started = Date.now();
    const during = await fetch(`${stack.apiUrl}/api/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        eventId: `probe-${s.name}`,
        customerExternalId: s.customers[1]!.externalId,
        name: 'page_view',
        occurredAt: new Date().toISOString(),
      }),
    });
    expect(during.status).toBe(202);
    expect(Date.now() - started).toBeLessThan(5_000);
    await sleep(3_000);
    await stack.temporalServer.start();
  }, 300_000);

  it('(c) stops PostgreSQL for 12 s while mails go out and events arrive, and starts it again', async () => {
    const s = await prepare('restart-postgres');
    await enterAll(s);
    batches.push({ scenario: s, arriving: loginsArrive(s) });
    await until('the first gifts', async () => ((await mailsFor(s)) >= 1 ? true : undefined));
    await stack.postgres.stop();
    await sleep(12_000);
    await stack.postgres.start();
  }, 300_000);

  it('(d) kills the API during a CSV import of events; the client sends the file again', async () => {
    const s = await prepare('restart-api');
    await enterAll(s);
    batches.push({ scenario: s, arriving: Promise.resolve() });
    for (const c of s.customers.filter((x) => x.comesBack))
      await waitHasBegun(await workflowIdOf(s, c.externalId));
    // Real purchase history (CDNOW) as the bulk of the file, the returning customers' logins at its end.
    const now = new Date().toISOString();
    const lines = readFileSync(cdnowMaster, 'utf8')
      .trim()
      .split('\n')
      .slice(1, 1 + CSV_HISTORY_ROWS);
    const rows = lines.map((line, i) => {
      const [id, date] = line.trim().split(/\s+/);
      const d = date!;
      return `cdnow-${i},cdnow-${id},page_view,${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T12:00:00Z`;
    });
    for (const c of s.customers.filter((x) => x.comesBack))
      rows.push(`login-${c.externalId},${c.externalId},login,${now}`);
    const csv = ['event_id,customer_external_id,name,occurred_at', ...rows].join('\n');
    const historyStored = async () => {
      const [row] = await stack.db
        .select({ n: sql<number>`count(*)::int` })
        .from(events)
        .where(and(eq(events.workspaceId, WS), like(events.eventId, 'cdnow-%')));
      return row?.n ?? 0;
    };

    const firstTry = fetch(`${stack.apiUrl}/api/events/import`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/csv' },
      body: csv,
    }).then(
      (r) => r.status,
      () => 'connection lost' as const,
    );
    await until(
      'the import to be under way',
      async () => ((await historyStored()) > 0 ? true : undefined),
      60_000,
    );
    await stack.api.kill();
    expect(await firstTry).toBe('connection lost');
    const partial = await historyStored();
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(lines.length);

    await stack.api.start();
    const retry = await request('POST', '/api/events/import', csv, 'text/csv');
    expect(retry.status).toBe(200);
    const report = (await retry.json()) as { rows: number; imported: number; duplicates: number };
    expect(report).toMatchObject({ rows: rows.length, imported: rows.length, duplicates: partial });
    expect(await historyStored()).toBe(lines.length);
  }, 300_000);

  it('after (a): every path, message and routing is exact; SMTP resent only mails accepted just before the kill', async () => {
    const { scenario, arriving } = batch('kill-worker');
    await arriving;
    const counted = await expectExactOutcome(scenario);
    // SMTP cannot deduplicate: a kill between the server's acceptance and the noted receipt resends the same mail.
    // Every send in flight at that moment may fall in the window, so the bound is on time, not on the count: a mail
    // accepted well before the kill had its receipt noted, and sending it again would be a defect.
    for (const acceptedAt of counted.resentFirstAcceptedAt) {
      expect(workerKilledAt - acceptedAt, 'ms between the first copy and the kill').toBeLessThan(
        RESEND_WINDOW_MS,
      );
    }
    console.info(
      `fault suite (a): SMTP duplicates in the documented window: ${counted.smtpDuplicates}, first copies ` +
        `${counted.resentFirstAcceptedAt.map((at) => workerKilledAt - at).join(', ')} ms before the kill`,
    );
  }, 300_000);

  it('after (b): events stored while Temporal was down reached their runs; nothing was sent twice', async () => {
    const { scenario, arriving } = batch('restart-temporal');
    await arriving;
    const counted = await expectExactOutcome(scenario);
    expect(counted.smtpDuplicates).toBe(0);
    expect(gatewayRequestsOf(scenario)).toBe(CUSTOMERS);
  }, 300_000);

  it('after (c): no provider was called twice and every message row counts one attempt', async () => {
    const { scenario, arriving } = batch('restart-postgres');
    await arriving;
    const counted = await expectExactOutcome(scenario);
    expect(counted.smtpDuplicates).toBe(0);
    expect(gatewayRequestsOf(scenario)).toBe(CUSTOMERS);
    expect(await attemptsOf(scenario)).toEqual(Array.from({ length: CUSTOMERS * 2 }, () => 1));
  }, 300_000);

  it('after (d): each imported login reached its run once', async () => {
    const { scenario } = batch('restart-api');
    const counted = await expectExactOutcome(scenario);
    expect(counted.smtpDuplicates).toBe(0);
    expect(gatewayRequestsOf(scenario)).toBe(CUSTOMERS);
  }, 300_000);

  function gatewayRequestsOf(s: Scenario): number {
    const phones = new Set(s.customers.map((c) => c.phone));
    return stack.gateway.requests.filter((r) => phones.has(r.to)).length;
  }
});
