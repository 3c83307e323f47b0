/**
 * A worker process killed (SIGKILL) in the middle of a run, on the real Temporal dev server: a new worker process
 * picks the run up, it completes, and no message is sent twice. Also the smoke test of the whole stack on the
 * dev server the product itself runs on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { Client, Connection } from '@temporalio/client';
import { customers, messages, journeys, publishJourneyDraft, runs, templates } from '@wakeflow/db';
import { createTestDatabase, type TestDatabase } from '@wakeflow/db/testing';
import { upsertCustomers } from '@wakeflow/audience';
import { saveChannelSettings } from '@wakeflow/channels';
import { createCatalog } from '@wakeflow/catalog';
import { createRunStarter } from '@wakeflow/temporal';
import { startTemporalDevServer, type TemporalDevServer } from '@wakeflow/devstack';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const workerMain = fileURLToPath(new URL('../src/main.ts', import.meta.url));

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('worker crash', () => {
  let database: TestDatabase;
  let server: TemporalDevServer;
  let connection: Connection;
  const children: ChildProcess[] = [];

  function startWorker(): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', workerMain], {
      cwd: repoRoot,
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        TEMPORAL_ADDRESS: server.address,
        WAKEFLOW_WORKSPACES: 'test',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    children.push(child);
    return child;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    server = await startTemporalDevServer({ port: 0, headless: true, dbFile: null });
    connection = await Connection.connect({ address: server.address });
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await connection?.close();
    await server?.stop();
    await database?.drop();
  });

  it('finishes the run after a SIGKILL with every message sent exactly once', async () => {
    const { db } = database;
    // This test is about crashes, not sending rules: quiet hours would hold the SMS until morning.
    await saveChannelSettings(db, 'test', {
      quietHours: { enabled: false },
      frequencyCap: { enabled: false },
    });
    await db.insert(templates).values([
      { workspaceId: 'test', id: 'first', channel: 'email', name: 'First', subject: 'first', body: 'first' },
      { workspaceId: 'test', id: 'second', channel: 'sms', name: 'Second', body: 'second' },
    ]);
    await upsertCustomers(db, 'test', [
      {
        externalId: 'crash-1',
        email: 'crash@example.com',
        phone: '+4915112345678',
        consent: { email: true, sms: true },
        timezone: 'UTC',
      },
    ]);
    const graph = {
      nodes: [
        { id: 't', type: 'api_trigger', config: {} },
        { id: 'mail', type: 'send', config: { channel: 'email', templateId: 'first' } },
        {
          id: 'pause',
          type: 'delay',
          config: { mode: 'duration', duration: { amount: 1, unit: 'minutes' } },
        },
        { id: 'sms', type: 'send', config: { channel: 'sms', templateId: 'second' } },
        { id: 'x', type: 'exit', config: { outcome: 'done' } },
      ],
      edges: [
        { source: 't', outcome: 'next', target: 'mail' },
        { source: 'mail', outcome: 'next', target: 'pause' },
        { source: 'pause', outcome: 'next', target: 'sms' },
        { source: 'sms', outcome: 'next', target: 'x' },
      ],
    };
    const [journey] = await db
      .insert(journeys)
      .values({ workspaceId: 'test', name: 'crash', draftGraph: graph, draftSettings: {} })
      .returning();
    await publishJourneyDraft(db, createCatalog(), { workspaceId: 'test', journeyId: journey!.id });
    const client = new Client({ connection });
    const starter = createRunStarter({ db, client });
    const [customerRow] = await db
      .select({ id: customers.id })
      .from(customers)
      .where(eq(customers.externalId, 'crash-1'));
    if (!customerRow) throw new Error('customer missing');
    const first = startWorker();
    const started = await starter.startRun({
      workspaceId: 'test',
      journeyId: journey!.id,
      customerId: customerRow.id,
    });
    if (!started.started) throw new Error(`not started: ${started.reason}`);

    // Kill the worker once the run is past the first send and inside the delay.
    await until('the first message and the delay', async () => {
      const [run] = await db.select().from(runs).where(eq(runs.workflowId, started.workflowId));
      return run?.currentNodeId === 'pause' ? run : undefined;
    });
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));

    startWorker();
    const result = (await client.workflow.getHandle(started.workflowId).result()) as { outcome: string };
    expect(result.outcome).toBe('done');
    const sent = await db
      .select({ nodeId: messages.nodeId, status: messages.status })
      .from(messages)
      .orderBy(asc(messages.createdAt));
    expect(sent).toEqual([
      { nodeId: 'mail', status: 'sent' },
      { nodeId: 'sms', status: 'sent' },
    ]);
    const [run] = await db.select().from(runs).where(eq(runs.workflowId, started.workflowId));
    expect(run).toMatchObject({ status: 'completed', outcome: 'done' });
  }, 180_000);
});
