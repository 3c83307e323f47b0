/**
 * Exactly once on real processes (issue 5, item 3): the worker process kills itself with SIGKILL at the two
 * dangerous moments of a send — after the message row is marked dispatched but before the provider call, and after
 * the provider accepted but before the row says `sent` — on the Temporal dev server, with a real SMTP server and a
 * real HTTP SMS gateway that this test starts. A fresh worker process then finishes every run. We count what
 * arrived: nobody is lost, and nobody gets two messages — except the documented at-least-once corner of SMTP
 * (no idempotency keys), where the second copy carries the same Message-ID so the duplicate is recognisable.
 *
 * The crash comes from WAKEFLOW_TEST_CRASH_AT, a test-only variable read in packages/catalog/src/services.ts.
 * Each scenario runs in its own workspace, i.e. its own task queue, so the three crashing workers run side by side.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { Client, Connection } from '@temporalio/client';
import { customers, journeys, messages, publishJourneyDraft, templates } from '@wakeflow/db';
import { createTestDatabase, type TestDatabase } from '@wakeflow/db/testing';
import { upsertCustomers } from '@wakeflow/audience';
import { createProvider, loadSecretKeys, saveChannelSettings } from '@wakeflow/channels';
import { createCatalog } from '@wakeflow/catalog';
import { createRunStarter } from '@wakeflow/temporal';
import { startGateway, startSmtpSink, type Gateway, type SmtpSink } from './faults/sinks';
import { startTemporalDevServer, type TemporalDevServer } from '@wakeflow/devstack';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const workerMain = fileURLToPath(new URL('../src/main.ts', import.meta.url));

const CUSTOMERS = 4;
type Channel = 'email' | 'sms';
const scenarios = [
  { workspace: 'crash-dispatch', crashAt: 'after_dispatch_recorded', order: ['email', 'sms'] as Channel[] },
  { workspace: 'crash-accept-sms', crashAt: 'after_provider_accepted', order: ['sms', 'email'] as Channel[] },
  {
    workspace: 'crash-accept-mail',
    crashAt: 'after_provider_accepted',
    order: ['email', 'sms'] as Channel[],
  },
] as const;

describe('sending through worker crashes (SIGKILL)', () => {
  let database: TestDatabase;
  let server: TemporalDevServer;
  let connection: Connection;
  let smtp: SmtpSink;
  /** Every request that reached the gateway, and what it delivered: once per idempotency key, like a real gateway. */
  let gateway: Gateway;
  const children: ChildProcess[] = [];

  function startWorker(workspaces: string, crashAt?: string): ChildProcess {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: server.address,
      WAKEFLOW_WORKSPACES: workspaces,
      WAKEFLOW_ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
      LOG_LEVEL: 'warn',
    };
    delete env.WAKEFLOW_TEST_CRASH_AT;
    if (crashAt) env.WAKEFLOW_TEST_CRASH_AT = crashAt;
    const child = spawn(process.execPath, ['--import', 'tsx', workerMain], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    children.push(child);
    return child;
  }

  beforeAll(async () => {
    database = await createTestDatabase({ workspaceIds: scenarios.map((s) => s.workspace) });
    server = await startTemporalDevServer({ port: 0, headless: true, dbFile: null });
    connection = await Connection.connect({ address: server.address });

    // Killing the worker mid-session resets its SMTP and HTTP connections: that is the point of this test.
    smtp = await startSmtpSink();
    gateway = await startGateway();
  });

  afterAll(async () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await connection?.close();
    await server?.stop();
    await smtp?.close();
    await gateway?.close();
    await database?.drop();
  });

  it('loses no message and sends none twice (SMTP’s documented corner aside), whichever moment the worker dies', async () => {
    const { db } = database;
    const keys = loadSecretKeys();
    const client = new Client({ connection });
    const starter = createRunStarter({ db, client });
    const catalog = createCatalog();
    const started: { workspace: string; workflowId: string }[] = [];

    const crashing = new Map<string, ChildProcess>();
    for (const s of scenarios) crashing.set(s.workspace, startWorker(s.workspace, s.crashAt));

    for (const s of scenarios) {
      const ws = s.workspace;
      // Crashes, not sending rules: quiet hours would hold SMS until morning, and the cap is not the point here.
      await saveChannelSettings(db, ws, { quietHours: { enabled: false }, frequencyCap: { enabled: false } });
      await db.insert(templates).values([
        {
          workspaceId: ws,
          id: 'gift-email',
          channel: 'email',
          name: 'Gift',
          subject: 'A gift for {{ customer.first_name }}',
          body: 'Come back, {{ customer.first_name }}',
        },
        {
          workspaceId: ws,
          id: 'gift-sms',
          channel: 'sms',
          name: 'Gift SMS',
          body: 'Gift waiting, {{ customer.first_name }}',
        },
      ]);
      await createProvider(db, keys, ws, {
        id: 'mail',
        channel: 'email',
        kind: 'smtp',
        settings: {
          host: '127.0.0.1',
          port: smtp.port,
          fromAddress: 'shop@wakeflow.example',
          timeoutMs: 5_000,
        },
      });
      await createProvider(db, keys, ws, {
        id: 'gateway',
        channel: 'sms',
        kind: 'http',
        settings: {
          url: `${gateway.url}/sms`,
          idempotencyHeader: 'Idempotency-Key',
          messageIdPath: 'id',
          timeoutMs: 5_000,
        },
        secrets: { authHeaderValue: 'Bearer test' },
      });
      await upsertCustomers(
        db,
        ws,
        Array.from({ length: CUSTOMERS }, (_, i) => ({
          externalId: `${ws}-${i}`,
          firstName: `C${i}`,
          email: `${ws}-${i}@example.com`,
          phone: `+49151000${scenarios.indexOf(s)}${String(i).padStart(4, '0')}`,
          consent: { email: true, sms: true },
          timezone: 'UTC',
        })),
      );
      const graph = {
        nodes: [
          { id: 't', type: 'api_trigger', config: {} },
          { id: 'first', type: 'send', config: { channel: s.order[0], templateId: `gift-${s.order[0]}` } },
          { id: 'second', type: 'send', config: { channel: s.order[1], templateId: `gift-${s.order[1]}` } },
          { id: 'x', type: 'exit', config: { outcome: 'done' } },
        ],
        edges: [
          { source: 't', target: 'first' },
          { source: 'first', target: 'second' },
          { source: 'second', target: 'x' },
        ],
      };
      const [journey] = await db
        .insert(journeys)
        .values({ workspaceId: ws, name: s.workspace, draftGraph: graph, draftSettings: {} })
        .returning();
      await publishJourneyDraft(db, catalog, { workspaceId: ws, journeyId: journey!.id });
      for (const c of await db
        .select({ id: customers.id })
        .from(customers)
        .where(eq(customers.workspaceId, ws))) {
        const run = await starter.startRun({ workspaceId: ws, journeyId: journey!.id, customerId: c.id });
        if (!run.started) throw new Error(`not started: ${run.reason}`);
        started.push({ workspace: ws, workflowId: run.workflowId });
      }
    }

    // Each crashing worker dies by its own hand at its first send's crash point.
    const exits = await Promise.all(
      [...crashing.values()].map(
        (child) =>
          new Promise<string | null>((resolve) =>
            child.exitCode !== null || child.signalCode !== null
              ? resolve(child.signalCode)
              : child.once('exit', (_code, signal) => resolve(signal)),
          ),
      ),
    );
    expect(exits).toEqual(['SIGKILL', 'SIGKILL', 'SIGKILL']);
    const atCrash = { mails: smtp.mails.length, sms: gateway.requests.length };

    // A fresh worker picks everything up (the dead attempts time out after the send activity's start-to-close).
    startWorker(scenarios.map((s) => s.workspace).join(','));
    const results = await Promise.all(
      started.map((r) => client.workflow.getHandle(r.workflowId).result() as Promise<{ outcome: string }>),
    );
    expect(results.map((r) => r.outcome)).toEqual(started.map(() => 'done'));

    const rows = await db.select().from(messages);
    expect(rows).toHaveLength(scenarios.length * CUSTOMERS * 2);
    expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);

    const report: Record<string, unknown> = { atCrash };
    for (const s of scenarios) {
      const ws = s.workspace;
      const emails = Array.from({ length: CUSTOMERS }, (_, i) => `${ws}-${i}@example.com`);
      const phones = (
        await db.select({ phone: customers.phone }).from(customers).where(eq(customers.workspaceId, ws))
      ).map((c) => c.phone!);
      const mailCopies = emails.map((to) => smtp.mails.filter((m) => m.to === to));
      const smsDelivered = phones.map(
        (to) => [...gateway.delivered.values()].filter((r) => r.to === to).length,
      );
      const smsRequests = phones.map((to) => gateway.requests.filter((r) => r.to === to).length);
      report[ws] = { mailCopies: mailCopies.map((c) => c.length), smsDelivered, smsRequests };

      // None lost, none twice: every customer has exactly one distinct email (by Message-ID) and one delivered SMS.
      for (const copies of mailCopies) expect(new Set(copies.map((m) => m.messageId)).size).toBe(1);
      expect(smsDelivered).toEqual(phones.map(() => 1));

      if (s.crashAt === 'after_dispatch_recorded') {
        // Died before any provider call: the retry is the only delivery.
        expect(mailCopies.map((c) => c.length)).toEqual(emails.map(() => 1));
        expect(smsRequests).toEqual(phones.map(() => 1));
      } else if (s.order[0] === 'sms') {
        // Died after the gateway accepted an SMS: the retry calls it again with the same key; it delivers once.
        expect(Math.max(...smsRequests)).toBe(2);
        expect(mailCopies.map((c) => c.length)).toEqual(emails.map(() => 1));
      } else {
        // Died after the SMTP server accepted: SMTP cannot deduplicate, so that customer gets a second copy with the
        // same Message-ID (docs/channels.md, “Exactly once”). At-least-once, never lost.
        expect(Math.max(...mailCopies.map((c) => c.length))).toBe(2);
        for (const copies of mailCopies) expect(copies.length).toBeLessThanOrEqual(2);
        expect(smsRequests).toEqual(phones.map(() => 1));
      }
    }
    console.info('send crash counts', JSON.stringify(report));
  }, 240_000);
});
