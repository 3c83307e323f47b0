/**
 * More than one machine (issue 19, item 5): TWO worker processes and TWO API processes, started from the apps' entry
 * points as scripts/start.ts starts them, all at once on a fresh database (so they also race on the migrations and
 * the start-up work), against one Temporal dev server and one PostgreSQL database. Journeys are driven through both
 * APIs and nothing may be done twice:
 * - customers entered through both APIs (one of them through both at the same moment) have one run each;
 * - every run step sends one message, counted where it arrives (a real SMTP server, an HTTP SMS gateway that records
 *   every request);
 * - every event, posted through both APIs with the same event id, is stored once and signalled to its run once
 *   (counted in the workflow's history: the run would ignore a repeat, so its outcome could not tell);
 * - an audience sweep, asked for through both APIs at once besides the one at publish, enters each member once
 *   (through cohorts: the bulk-entry threshold is lowered so the sweep's page is carried by two cohort workflows);
 * - failed sign-ins split between the APIs meet the limit at the same total as on one API;
 * - the outbox is drained and every process is still running.
 * Everything is on loopback.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { upsertCustomers } from '@wakeflow/audience';
import {
  connect,
  customers,
  eventOutbox,
  events,
  runs,
  segments,
  templates,
  type DatabaseHandle,
} from '@wakeflow/db';
import {
  getFreePort,
  startTemporalDevServer,
  type ManagedProcess,
  type TemporalDevServer,
} from '@wakeflow/devstack';
import { CUSTOMER_EVENT_SIGNAL, journeyTaskQueue, RUN_STATE_QUERY, type RunState } from '@wakeflow/journey';
import { eventually } from '@wakeflow/testing';
import {
  FAULT_WORKSPACE as WS,
  appEnvironment,
  configureChannels,
  keepLogs,
  publishJourney,
  spawnApp,
  waitFor,
  waitForApi,
} from './faults/fault-stack';
import { startGateway, startSmtpSink, type Gateway, type SmtpSink } from './faults/sinks';

const ENTERED = 8;
const SWEPT = 6;
/** The swept members enter in cohorts of this many (single API entries stay per-customer runs). */
const COHORT_SIZE = 3;
const SIGN_IN_FAILURES = 5; // the API's default per address and account

const server =
  process.env.WAKEFLOW_TEST_DATABASE_URL ??
  process.env.DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';
function databaseAt(name: string): string {
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}
async function onServer(statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: databaseAt('postgres') });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

describe('two workers and two APIs on one Temporal and one PostgreSQL', () => {
  const database = `wakeflow_test_multi_${randomBytes(4).toString('hex')}`;
  let dir: string;
  let temporalServer: TemporalDevServer;
  let connection: Connection;
  let client: Client;
  let handle: DatabaseHandle;
  let smtp: SmtpSink;
  let gateway: Gateway;
  const processes: ManagedProcess[] = [];
  const apiUrls: string[] = [];

  const post = (api: number, route: string, body: unknown) =>
    fetch(`${apiUrls[api]}${route}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'wakeflow-multi-'));
    await onServer(`create database "${database}"`);
    // Port 0: free ports picked by the dev stack, which tries again if one is taken before the server binds it.
    temporalServer = await startTemporalDevServer({
      port: 0,
      headless: true,
      dbFile: path.join(dir, 'temporal.db'),
      logFile: path.join(dir, 'temporal.log'),
    });
    connection = await Connection.connect({ address: temporalServer.address });
    client = new Client({ connection });
    [smtp, gateway] = await Promise.all([startSmtpSink(), startGateway()]);

    const secretKey = randomBytes(32).toString('hex');
    const ports = [await getFreePort(), await getFreePort()];
    apiUrls.push(...ports.map((port) => `http://127.0.0.1:${port}`));
    const env = (apiPort: number) => ({
      ...appEnvironment({
        databaseUrl: databaseAt(database),
        temporalAddress: temporalServer.address,
        apiPort,
        secretKey,
        publicUrl: apiUrls[0],
      }),
      WAKEFLOW_COHORT_THRESHOLD: String(COHORT_SIZE),
      WAKEFLOW_COHORT_SIZE: String(COHORT_SIZE),
    });
    // All four at once on the empty database: migrations, the workspace, schedules are raced for.
    processes.push(
      spawnApp(dir, 'api-1', 'api', env(ports[0]!)),
      spawnApp(dir, 'api-2', 'api', env(ports[1]!)),
      spawnApp(dir, 'worker-1', 'worker', env(ports[0]!)),
      spawnApp(dir, 'worker-2', 'worker', env(ports[0]!)),
    );
    await Promise.all(apiUrls.map(waitForApi));
    // Both workers poll the workspace's task queue.
    await waitFor('both workers polling', async () => {
      const described = await client.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: journeyTaskQueue(WS) },
        taskQueueType: 1, // workflow tasks
      });
      return new Set(described.pollers?.map((p) => p.identity)).size >= 2;
    });

    handle = connect(databaseAt(database), { max: 4 });
    await configureChannels({ db: handle.db, secretKey, smtp, gateway });
    await handle.db.insert(templates).values({
      workspaceId: WS,
      id: 'missed',
      channel: 'email',
      name: 'We missed you',
      subject: 'We missed you',
      body: 'We missed you',
    });
  }, 180_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop({ timeoutMs: 5_000 })));
    await handle?.close();
    await connection?.close().catch(() => undefined);
    await temporalServer?.stop();
    await smtp?.close();
    await gateway?.close();
    if (dir) {
      await keepLogs(dir, 'multi-process', [
        'api-1.log',
        'api-2.log',
        'worker-1.log',
        'worker-2.log',
        'temporal.log',
      ]);
      await rm(dir, { recursive: true, force: true });
    }
    await onServer(`drop database if exists "${database}" with (force)`).catch(() => undefined);
  }, 60_000);

  it('does nothing twice', async () => {
    const { db } = handle;
    // --- Entries through both APIs: a gift mail, a wait for a login, a welcome SMS.
    const entered = Array.from({ length: ENTERED }, (_, i) => ({
      externalId: `entered-${i}`,
      email: `entered-${i}@example.com`,
      phone: `+49151000${String(i).padStart(4, '0')}`,
    }));
    const swept = Array.from({ length: SWEPT }, (_, i) => ({
      externalId: `swept-${i}`,
      email: `swept-${i}@example.com`,
    }));
    await upsertCustomers(db, WS, [
      ...entered.map((c) => ({ ...c, consent: { email: true, sms: true }, timezone: 'UTC' })),
      ...swept.map((c) => ({ ...c, consent: { email: true }, timezone: 'UTC', tags: ['lapsed'] })),
    ]);
    const journeyId = await publishJourney({ db }, 'entered through both APIs', {
      nodes: [
        { id: 't', type: 'api_trigger', config: {} },
        { id: 'gift', type: 'send', config: { channel: 'email', templateId: 'gift' } },
        {
          id: 'w',
          type: 'wait_for_event',
          config: { events: [{ event: 'login', outcome: 'back' }], timeout: { amount: 5, unit: 'minutes' } },
        },
        { id: 'welcome', type: 'send', config: { channel: 'sms', templateId: 'welcome' } },
        { id: 'back', type: 'exit', config: { outcome: 'reactivated' } },
        { id: 'gone', type: 'exit', config: { outcome: 'still_dormant' } },
      ],
      edges: [
        { source: 't', target: 'gift' },
        { source: 'gift', target: 'w' },
        { source: 'w', outcome: 'back', target: 'welcome' },
        { source: 'w', outcome: 'timeout', target: 'gone' },
        { source: 'welcome', target: 'back' },
      ],
    });
    const entries = await Promise.all([
      ...entered.map((c, i) =>
        post(i % 2, `/api/journeys/${journeyId}/runs`, { customerExternalId: c.externalId }),
      ),
      // The first customer again, through the other API, at the same moment.
      post(1, `/api/journeys/${journeyId}/runs`, { customerExternalId: entered[0]!.externalId }),
    ]);
    for (const response of entries)
      expect([200, 201, 202, 409], await response.clone().text()).toContain(response.status);

    // --- The audience journey, published through an API (which schedules its sweep and checks at once), then
    // checked again through both APIs at the same moment.
    await db.insert(segments).values({
      workspaceId: WS,
      id: 'lapsed',
      name: 'Lapsed',
      definition: { kind: 'tag', tag: 'lapsed', has: true },
    });
    const created = await post(0, '/api/journeys', {
      name: 'swept by two workers',
      graph: {
        nodes: [
          { id: 't', type: 'audience_trigger', config: { segmentId: 'lapsed', everyMinutes: 60 } },
          { id: 'missed', type: 'send', config: { channel: 'email', templateId: 'missed' } },
          { id: 'x', type: 'exit', config: { outcome: 'done' } },
        ],
        edges: [
          { source: 't', target: 'missed' },
          { source: 'missed', target: 'x' },
        ],
      },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const sweptJourneyId = ((await created.json()) as { id: string }).id;
    const published = await post(1, `/api/journeys/${sweptJourneyId}/publish`, {});
    expect(published.status, await published.clone().text()).toBe(201);
    const checks = await Promise.all(
      [0, 1].map((api) => post(api, `/api/journeys/${sweptJourneyId}/audience-check`, {})),
    );
    for (const check of checks) expect(check.status, await check.clone().text()).toBe(202);

    // --- Every entered customer logs in once their wait has begun; each event goes through BOTH APIs.
    const runOf = async (journey: string, externalId: string) => {
      const [row] = await db
        .select({ workflowId: runs.workflowId, status: runs.status })
        .from(runs)
        .innerJoin(customers, eq(customers.id, runs.customerId))
        .where(and(eq(runs.journeyId, journey), eq(customers.externalId, externalId)));
      return row;
    };
    await Promise.all(
      entered.map(async (c, i) => {
        // Events count from when the wait began (docs/measurement.md): ask the run itself.
        await eventually(
          async () => {
            const run = await runOf(journeyId, c.externalId);
            if (!run) return undefined;
            const state = await client.workflow
              .getHandle(run.workflowId)
              .query<RunState>(RUN_STATE_QUERY)
              .catch(() => undefined);
            return state?.currentStepId === 'w' && state.waitingFor?.kind === 'event' ? true : undefined;
          },
          { what: `the wait of ${c.externalId}`, timeoutMs: 60_000 },
        );
        const event = {
          eventId: `login-${c.externalId}`,
          customerExternalId: c.externalId,
          name: 'login',
          occurredAt: new Date().toISOString(),
        };
        const answers = await Promise.all([
          post(i % 2, '/api/events', event),
          post((i + 1) % 2, '/api/events', event),
        ]);
        for (const answer of answers) expect(answer.status, await answer.clone().text()).toBe(202);
      }),
    );

    // --- Sign-in failures split over the two APIs meet the limit at the same total.
    const signIns: number[] = [];
    for (let i = 0; i < SIGN_IN_FAILURES + 2; i++)
      signIns.push(
        (await post(i % 2, '/api/auth/sign-in', { email: 'nobody@example.com', password: `guess-${i}` }))
          .status,
      );
    expect(signIns).toEqual([...Array<number>(SIGN_IN_FAILURES).fill(401), 429, 429]);

    // --- Everything settles.
    await eventually(
      async () => {
        const done = await Promise.all(entered.map((c) => runOf(journeyId, c.externalId)));
        return done.every((r) => r?.status === 'completed') ? true : undefined;
      },
      { what: 'every entered run to complete', timeoutMs: 60_000 },
    );
    const sweptRuns = await eventually(
      async () => {
        const rows = await db
          .select({ status: runs.status, cohort: runs.cohortWorkflowId })
          .from(runs)
          .where(eq(runs.journeyId, sweptJourneyId));
        return rows.length === SWEPT && rows.every((r) => r.status === 'completed') ? rows : undefined;
      },
      { what: 'every swept run to complete', timeoutMs: 60_000 },
    );

    // The swept members were carried by cohorts, the entered customers by runs of their own.
    expect(new Set(sweptRuns.map((r) => r.cohort)).size).toBe(SWEPT / COHORT_SIZE);
    expect(sweptRuns.every((r) => r.cohort !== null)).toBe(true);

    // One run per entered customer and per segment member.
    const runCounts = await db
      .select({ journeyId: runs.journeyId, customerId: runs.customerId, n: sql<number>`count(*)::int` })
      .from(runs)
      .where(inArray(runs.journeyId, [journeyId, sweptJourneyId]))
      .groupBy(runs.journeyId, runs.customerId);
    expect(runCounts.filter((r) => r.journeyId === journeyId)).toHaveLength(ENTERED);
    expect(runCounts.filter((r) => r.journeyId === sweptJourneyId)).toHaveLength(SWEPT);
    const twice = runCounts.filter((r) => r.n !== 1);
    expect(twice.map((r) => ({ ...r, journey: r.journeyId === journeyId ? 'entered' : 'swept' }))).toEqual(
      [],
    );

    // One message per run step, as the SMTP server and the SMS gateway received them.
    const mailsTo = (to: string, subject: string) =>
      smtp.mails.filter((m) => m.to === to && m.subject === subject);
    for (const c of entered) expect(mailsTo(c.email, 'A gift'), c.email).toHaveLength(1);
    for (const c of swept) expect(mailsTo(c.email, 'We missed you'), c.email).toHaveLength(1);
    expect(smtp.mails).toHaveLength(ENTERED + SWEPT);
    expect(gateway.requests).toHaveLength(ENTERED);
    expect(new Set(gateway.requests.map((r) => r.to))).toEqual(new Set(entered.map((c) => c.phone)));

    // Each event stored once and signalled once to its run.
    const stored = await db
      .select({ eventId: events.eventId })
      .from(events)
      .where(and(eq(events.workspaceId, WS), eq(events.name, 'login')));
    expect(stored.map((e) => e.eventId).sort()).toEqual(entered.map((c) => `login-${c.externalId}`).sort());
    for (const c of entered) {
      const run = await runOf(journeyId, c.externalId);
      const history = await client.workflow.getHandle(run!.workflowId).fetchHistory();
      const signalled = (history.events ?? []).flatMap((e) => {
        const attributes = e.workflowExecutionSignaledEventAttributes;
        if (attributes?.signalName !== CUSTOMER_EVENT_SIGNAL) return [];
        const payload = attributes.input?.payloads?.[0];
        return payload ? [defaultPayloadConverter.fromPayload<{ eventId: string }>(payload).eventId] : [];
      });
      expect(signalled, c.externalId).toEqual([`login-${c.externalId}`]);
    }
    expect(await db.select().from(eventOutbox)).toEqual([]);

    // Every process is still up: none failed at start on a race or later on the other's work.
    for (const proc of processes) expect(proc.running, proc.name).toBe(true);
  }, 150_000);
});
