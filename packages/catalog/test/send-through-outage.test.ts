/**
 * The send path never calls a provider again because recording its answer failed (issue 14, item 2), on real parts:
 * a PostgreSQL cluster of this test's own that it stops right after the SMTP server accepted the mail, a real SMTP
 * server, and for the long outage a real Temporal dev server whose heartbeat details carry the receipt to the next
 * attempt of the activity.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { connect, messages, migrate, workspaces, type DatabaseHandle } from '@wakeflow/db';
import {
  startEmbeddedPostgres,
  startTemporalDevServer,
  type PostgresHandle,
  type TemporalDevServer,
} from '@wakeflow/devstack';
import {
  createMessageSender,
  createProvider,
  deriveSecretKeys,
  saveChannelSettings,
  type MessageSenderDeps,
} from '@wakeflow/channels';
import { heartbeatAcceptanceJournal } from '../src/acceptance-journal';
import {
  seedCustomer,
  seedJourney,
  seedRun,
  seedTemplate,
  sendRequest,
  startSmtpServer,
  WORKSPACE,
  type TestSmtpServer,
} from '../../channels/test/helpers';

const keys = deriveSecretKeys('f'.repeat(64));
const fixture = fileURLToPath(
  new URL('../../../workflows/test/fixtures/single-send/index.ts', import.meta.url),
);

describe('recording a provider’s answer through a PostgreSQL outage', () => {
  let dir: string;
  let postgres: PostgresHandle;
  let pgOptions: Parameters<typeof startEmbeddedPostgres>[0];
  let handle: DatabaseHandle;
  let smtp: TestSmtpServer;
  let temporal: TemporalDevServer;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'wakeflow-send-outage-'));
    pgOptions = {
      dataDir: path.join(dir, 'postgres'),
      logFile: path.join(dir, 'postgres.log'),
      unsafeFast: true,
      log: () => undefined,
    };
    postgres = await startEmbeddedPostgres({ ...pgOptions, port: 0 });
    pgOptions.port = postgres.port;
    await migrate(postgres.url);
    handle = connect(postgres.url);
    await handle.db.insert(workspaces).values({ id: WORKSPACE, name: WORKSPACE });
    smtp = await startSmtpServer();
    await createProvider(handle.db, keys, WORKSPACE, {
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
    await saveChannelSettings(handle.db, WORKSPACE, {
      quietHours: { enabled: false },
      frequencyCap: { enabled: false },
    });
    await seedTemplate(handle.db, { id: 'welcome' });
    temporal = await startTemporalDevServer({ port: 0, headless: true, dbFile: null });
  }, 120_000);

  afterAll(async () => {
    await handle?.close();
    await postgres?.stop();
    await smtp?.close();
    await temporal?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Stops PostgreSQL now and starts it again after `ms`, in the background. */
  function outage(ms: number): { over: Promise<void> } {
    const over = (async () => {
      await postgres.stop();
      await new Promise((resolve) => setTimeout(resolve, ms));
      postgres = await startEmbeddedPostgres(pgOptions);
    })();
    return { over };
  }

  async function newSend(email: string) {
    const { journeyId } = await seedJourney(handle.db);
    const customerId = await seedCustomer(handle.db, { email });
    return sendRequest(await seedRun(handle.db, customerId, journeyId), 'gift');
  }

  function sender(over: Partial<MessageSenderDeps>) {
    return createMessageSender({
      db: handle.db,
      keys,
      publicBaseUrl: 'https://wakeflow.example',
      addressPolicy: { allowPrivateNetworks: false, allowedHosts: ['127.0.0.1'] },
      ...over,
    });
  }

  it('a 3 s outage right after the SMTP server accepted: the row is recorded when PostgreSQL is back, one mail', async () => {
    const req = await newSend('short-outage@example.com');
    let down: { over: Promise<void> } | undefined;
    const s = sender({
      hooks: {
        afterProviderAccepted: () => {
          down = outage(3_000);
        },
      },
    });
    const result = await s.send(req);
    await down?.over;
    await s.close();
    expect(result.status).toBe('sent');
    expect(smtp.received.filter((m) => m.envelopeTo.includes('short-outage@example.com'))).toHaveLength(1);
    const [row] = await handle.db.select().from(messages).where(eq(messages.id, result.messageId));
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });
  }, 60_000);

  it('an outage longer than the lease: the next activity attempt finds the receipt in the heartbeat and only records it', async () => {
    const req = await newSend('long-outage@example.com');
    let down: { over: Promise<void> } | undefined;
    let calls = 0;
    const s = sender({
      leaseMs: 2_000,
      acceptances: heartbeatAcceptanceJournal(),
      hooks: {
        afterProviderAccepted: () => {
          calls += 1;
          if (calls === 1) down = outage(6_000);
        },
      },
    });
    const nativeConnection = await NativeConnection.connect({ address: temporal.address });
    const connection = await Connection.connect({ address: temporal.address });
    try {
      const worker = await Worker.create({
        connection: nativeConnection,
        taskQueue: 'single-send',
        workflowsPath: fixture,
        activities: { sendOnce: () => s.send(req) },
      });
      const client = new Client({ connection });
      const status = await worker.runUntil(
        client.workflow.execute('singleSend', {
          taskQueue: 'single-send',
          workflowId: `single-send-${Date.now()}`,
        }),
      );
      await down?.over;
      expect(status).toBe('sent');
    } finally {
      await s.close();
      await connection.close();
      await nativeConnection.close();
    }
    expect(calls).toBe(1);
    expect(smtp.received.filter((m) => m.envelopeTo.includes('long-outage@example.com'))).toHaveLength(1);
    const [row] = await handle.db
      .select()
      .from(messages)
      .where(eq(messages.idempotencyKey, req.idempotencyKey));
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });
  }, 90_000);
});
