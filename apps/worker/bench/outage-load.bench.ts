/**
 * Load with an outage in the middle (issue 14, item 10): on the fault suite's stack (its own PostgreSQL and Temporal,
 * the API and worker as processes, real SMTP server and SMS gateway), customers wait in a journey for a login while
 * events are ingested at a steady rate; halfway through the first third one part stops for a while. Reports, before,
 * during and after the outage: events accepted per second, and event → action latency (a login posted to the API →
 * its welcome SMS at the gateway), p50 and p99; and the time to drain (outage end → every login's SMS delivered and
 * the event outbox empty).
 *
 * BENCH_LOAD_SECONDS (default 180), BENCH_LOAD_RATE events/s (default 40), BENCH_LOAD_CUSTOMERS (default 400),
 * BENCH_LOAD_OUTAGE = temporal | postgres | none (default temporal), BENCH_LOAD_OUTAGE_SECONDS (default 15).
 *
 * Without an outage it is the per-customer event → action latency at a steady rate (issue 19, item 4): e.g.
 * BENCH_LOAD_OUTAGE=none BENCH_LOAD_RATE=100 BENCH_LOAD_SECONDS=60 BENCH_LOAD_CUSTOMERS=6000 routes 100 logins/s to
 * 6,000 waiting `journeyRun`s (customers enter below the cohort threshold, so each has a run of its own).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { eq, sql } from 'drizzle-orm';
import { eventOutbox, runs } from '@wakeflow/db';
import { RUN_STATE_QUERY, type RunState } from '@wakeflow/journey';
import { upsertCustomers } from '@wakeflow/audience';
import { saveChannelSettings } from '@wakeflow/channels';
import {
  FAULT_WORKSPACE,
  configureChannels,
  publishJourney,
  startFaultStack,
} from '../test/faults/fault-stack';

const seconds = Number(process.env.BENCH_LOAD_SECONDS ?? 180);
const rate = Number(process.env.BENCH_LOAD_RATE ?? 40);
const customerCount = Number(process.env.BENCH_LOAD_CUSTOMERS ?? 400);
const outageKind =
  process.env.BENCH_LOAD_OUTAGE === 'postgres' || process.env.BENCH_LOAD_OUTAGE === 'none'
    ? process.env.BENCH_LOAD_OUTAGE
    : 'temporal';
const outageSeconds = outageKind === 'none' ? 0 : Number(process.env.BENCH_LOAD_OUTAGE_SECONDS ?? 15);
/** Customers per bulk entry: below the cohort threshold (100 by default), so every customer gets a `journeyRun`. */
const ENTRY_CHUNK = 99;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const stack = await startFaultStack();
try {
  await configureChannels(stack);
  // The providers' pace at the highest the settings allow: the default 10 SMS/s would otherwise be the figure.
  await saveChannelSettings(stack.db, FAULT_WORKSPACE, {
    quietHours: { enabled: false },
    frequencyCap: { enabled: false },
    rateLimits: { email: 10_000, sms: 10_000, push: 10_000 },
  });
  const journeyId = await publishJourney(stack, 'load', {
    nodes: [
      { id: 't', type: 'api_trigger', config: {} },
      {
        id: 'w',
        type: 'wait_for_event',
        config: { events: [{ event: 'login', outcome: 'back' }], timeout: { amount: 1, unit: 'days' } },
      },
      { id: 'welcome', type: 'send', config: { channel: 'sms', templateId: 'welcome' } },
      { id: 'back', type: 'exit', config: { outcome: 'reactivated' } },
      { id: 'gone', type: 'exit', config: { outcome: 'still_dormant' } },
    ],
    edges: [
      { source: 't', target: 'w' },
      { source: 'w', outcome: 'back', target: 'welcome' },
      { source: 'w', outcome: 'timeout', target: 'gone' },
      { source: 'welcome', target: 'back' },
    ],
  });
  const people = Array.from({ length: customerCount }, (_, i) => ({
    externalId: `load-${i}`,
    phone: `+4915200${String(i).padStart(6, '0')}`,
  }));
  await upsertCustomers(
    stack.db,
    FAULT_WORKSPACE,
    people.map((p) => ({ ...p, consent: { sms: true }, timezone: 'UTC' })),
  );
  const post = async (path: string, body: unknown): Promise<boolean> => {
    try {
      const r = await fetch(`${stack.apiUrl}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      return r.status < 300;
    } catch {
      return false;
    }
  };
  // Entered in bulk requests, a few at a time, each below the cohort threshold.
  const chunks = Array.from({ length: Math.ceil(people.length / ENTRY_CHUNK) }, (_, i) =>
    people.slice(i * ENTRY_CHUNK, (i + 1) * ENTRY_CHUNK).map((p) => p.externalId),
  );
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let chunk = chunks.shift(); chunk; chunk = chunks.shift())
        while (!(await post(`/api/journeys/${journeyId}/runs/batch`, { customerExternalIds: chunk })))
          await sleep(500);
    }),
  );
  // Every run must have begun its wait before the clock starts: a login that occurred earlier does not count for it.
  const client = stack.temporal();
  let workflowIds: string[] = [];
  // A run's row is written by its first activity: under load that comes a while after the start.
  while (workflowIds.length < customerCount) {
    await sleep(500);
    workflowIds = (
      await stack.db.select({ id: runs.workflowId }).from(runs).where(eq(runs.journeyId, journeyId))
    ).map((r) => r.id);
  }
  for (const id of workflowIds) {
    for (;;) {
      const state = await client.workflow
        .getHandle(id)
        .query<RunState>(RUN_STATE_QUERY)
        .catch(() => undefined);
      if (state?.waitingFor?.kind === 'event') break;
      await sleep(200);
    }
  }

  // Real history as filler traffic: CDNOW customers' purchases, replayed as page views of unknown customers.
  const history = readFileSync(
    fileURLToPath(new URL('../../../data/cdnow/CDNOW_master.txt', import.meta.url)),
    'utf8',
  )
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/)[0]!);
  const loginsPerSecond = Math.max(1, Math.round(customerCount / seconds));
  const started = Date.now();
  const outageAt = started + (seconds * 1000) / 3;
  const outageEnd = outageAt + outageSeconds * 1000;
  type Phase = 'before' | 'during' | 'after';
  const phaseAt = (t: number): Phase => (t < outageAt ? 'before' : t < outageEnd ? 'during' : 'after');
  const accepted: Record<Phase, number> = { before: 0, during: 0, after: 0 };
  const loginPostedAt = new Map<string, { at: number; phase: Phase }>();
  let nextLogin = 0;
  let filler = 0;

  const outage = (async () => {
    if (outageKind === 'none') return;
    await sleep(outageAt - Date.now());
    console.log(`outage: ${outageKind} stops for ${outageSeconds}s`);
    if (outageKind === 'postgres') await stack.postgres.stop();
    else await stack.temporalServer.stop();
    await sleep(Math.max(0, outageEnd - Date.now()));
    if (outageKind === 'postgres') await stack.postgres.start();
    else await stack.temporalServer.start();
    console.log(`outage over after ${((Date.now() - outageAt) / 1000).toFixed(1)}s`);
  })();

  // Each second: a batch of filler events plus the next logins, each retried until accepted (like an integrator).
  const inflight: Promise<void>[] = [];
  for (let second = 0; second < seconds; second += 1) {
    const tick = started + second * 1000;
    await sleep(Math.max(0, tick - Date.now()));
    const batch = Array.from({ length: Math.max(0, rate - loginsPerSecond) }, () => {
      const id = history[filler % history.length]!;
      filler += 1;
      return {
        eventId: `filler-${filler}`,
        customerExternalId: `cdnow-${id}`,
        name: 'page_view',
        occurredAt: new Date().toISOString(),
      };
    });
    for (let i = 0; i < loginsPerSecond && nextLogin < people.length; i += 1, nextLogin += 1) {
      const who = people[nextLogin]!;
      batch.push({
        eventId: `login-${who.externalId}`,
        customerExternalId: who.externalId,
        name: 'login',
        occurredAt: new Date().toISOString(),
      });
      loginPostedAt.set(who.phone, { at: Date.now(), phase: phaseAt(Date.now()) });
    }
    inflight.push(
      (async () => {
        while (!(await post('/api/events/batch', { events: batch }))) await sleep(1_000);
        accepted[phaseAt(Date.now())] += batch.length;
      })(),
    );
  }
  await Promise.all(inflight);
  await outage;

  // Drain: every login's SMS at the gateway and nothing left in the outbox (given up after 5 minutes).
  const drainDeadline = Date.now() + 300_000;
  while (Date.now() < drainDeadline) {
    const [pending] = await stack.db.select({ n: sql<number>`count(*)::int` }).from(eventOutbox);
    const delivered = [...loginPostedAt.keys()].every((phone) =>
      stack.gateway.requests.some((r) => r.to === phone),
    );
    if (delivered && pending?.n === 0) break;
    await sleep(250);
  }
  const drainedAt = Date.now();
  const undelivered = [...loginPostedAt.keys()].filter((phone) => !stack.gateway.arrivals.has(phone)).length;

  const latencies: Record<Phase, number[]> = { before: [], during: [], after: [] };
  for (const [phone, posted] of loginPostedAt) {
    const arrival = stack.gateway.arrivals.get(phone);
    if (arrival !== undefined) latencies[posted.phase].push(arrival - posted.at);
  }
  const duration: Record<Phase, number> = {
    before: (outageAt - started) / 1000,
    during: outageSeconds,
    after: (started + seconds * 1000 - outageEnd) / 1000,
  };
  console.log(
    `\n${customerCount} waiting customers, ${rate} events/s offered for ${seconds}s, ${outageKind === 'none' ? 'no outage' : `${outageKind} down ${outageSeconds}s`}`,
  );
  console.log('phase   | events accepted/s | logins | event→SMS p50 | p99');
  for (const phase of ['before', 'during', 'after'] as const) {
    const sorted = latencies[phase].sort((a, b) => a - b);
    console.log(
      `${phase.padEnd(7)} | ${(accepted[phase] / duration[phase]).toFixed(1).padStart(17)} | ${String(sorted.length).padStart(6)} | ${(percentile(sorted, 50) / 1000).toFixed(2).padStart(11)} s | ${(percentile(sorted, 99) / 1000).toFixed(2)} s`,
    );
  }
  console.log(
    undelivered === 0
      ? `time to drain after the outage ended: ${((drainedAt - outageEnd) / 1000).toFixed(1)} s`
      : `NOT DRAINED: ${undelivered} logins without their SMS 5 minutes after the load ended`,
  );
  const duplicates = stack.gateway.requests.length - stack.gateway.delivered.size;
  console.log(`SMS requests repeated at the gateway: ${duplicates}`);
} finally {
  await stack.close();
}
