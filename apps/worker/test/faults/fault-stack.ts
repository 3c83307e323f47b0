/**
 * The whole product on real parts that a fault test may break: a PostgreSQL cluster and a Temporal dev server of its
 * own (so stopping them harms no other test), the API and the worker as child processes started exactly as
 * `scripts/start.ts` starts them, a real SMTP server and an HTTP SMS gateway. Every part can be stopped, killed and
 * started again on the same port and state.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { connect, journeys, publishJourneyDraft, templates, type DatabaseHandle } from '@wakeflow/db';
import { createProvider, deriveSecretKeys, saveChannelSettings } from '@wakeflow/channels';
import { createCatalog } from '@wakeflow/catalog';
import {
  getFreePort,
  logsDir,
  spawnManaged,
  startEmbeddedPostgres,
  startTemporalDevServer,
  type ManagedProcess,
  type PostgresHandle,
  type TemporalDevServer,
} from '@wakeflow/devstack';
import { startGateway, startSmtpSink, type Gateway, type SmtpSink } from './sinks';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const apiMain = fileURLToPath(new URL('../../../api/src/main.ts', import.meta.url));
const workerMain = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export const FAULT_WORKSPACE = 'faults';

export interface FaultStack {
  dir: string;
  /** The stack's WAKEFLOW_SECRET_KEY: provider secrets are encrypted with it. */
  secretKey: string;
  db: DatabaseHandle['db'];
  apiUrl: string;
  temporal: () => Client;
  smtp: SmtpSink;
  gateway: Gateway;
  postgres: { stop(): Promise<void>; start(): Promise<void> };
  temporalServer: { stop(): Promise<void>; start(): Promise<void> };
  api: { kill(): Promise<void>; start(): Promise<void> };
  worker: { kill(): Promise<void>; start(): Promise<void> };
  close(): Promise<void>;
}

export async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * What an API or worker process of the stack gets in its environment: local sign-in, the stack's workspace, loopback
 * providers allowed, a quick outbox poll. `apiPort` is this process's port (an API's) and the public URL's.
 */
export function appEnvironment(options: {
  databaseUrl: string;
  temporalAddress: string;
  apiPort: number;
  secretKey: string;
  publicUrl?: string;
}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: options.databaseUrl,
    TEMPORAL_ADDRESS: options.temporalAddress,
    API_PORT: String(options.apiPort),
    WAKEFLOW_AUTH: 'local',
    WAKEFLOW_SECRET_KEY: options.secretKey,
    WAKEFLOW_WORKSPACE: FAULT_WORKSPACE,
    WAKEFLOW_WORKSPACES: FAULT_WORKSPACE,
    WAKEFLOW_PUBLIC_URL: options.publicUrl ?? `http://127.0.0.1:${options.apiPort}`,
    WAKEFLOW_ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
    WAKEFLOW_OUTBOX_POLL_MS: '250',
    LOG_LEVEL: 'warn',
  };
  delete env.WAKEFLOW_TEST_CRASH_AT;
  return env;
}

/** An API or worker process started from the app's entry point as scripts/start.ts does, logging to `<dir>/<name>.log`. */
export function spawnApp(
  dir: string,
  name: string,
  app: 'api' | 'worker',
  env: NodeJS.ProcessEnv,
): ManagedProcess {
  return spawnManaged({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', app === 'api' ? apiMain : workerMain],
    cwd: repoRoot,
    env,
    output: { file: path.join(dir, `${name}.log`) },
  });
}

export async function waitForApi(apiUrl: string): Promise<void> {
  await waitFor('the API', async () => (await fetch(`${apiUrl}/healthz`)).ok);
}

/** Keeps the processes' logs of the last run in <data>/logs/<folder>/ for a look after a failure. */
export async function keepLogs(dir: string, folder: string, names: readonly string[]): Promise<void> {
  const kept = path.join(logsDir(), folder);
  await rm(kept, { recursive: true, force: true });
  await mkdir(kept, { recursive: true });
  for (const name of names)
    await copyFile(path.join(dir, name), path.join(kept, name)).catch(() => undefined);
}

export async function startFaultStack(): Promise<FaultStack> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wakeflow-faults-'));
  const log = () => undefined;
  const pgOptions = {
    dataDir: path.join(dir, 'postgres'),
    logFile: path.join(dir, 'postgres.log'),
    database: 'wakeflow',
    unsafeFast: true,
    appRole: 'wakeflow_app',
    log,
  };
  let postgres: PostgresHandle = await startEmbeddedPostgres({ ...pgOptions, port: 0 });
  const pgPort = postgres.port!;
  const databaseUrl = postgres.url;

  const temporalOptions = {
    headless: true,
    dbFile: path.join(dir, 'temporal.db'),
    logFile: path.join(dir, 'temporal.log'),
  };
  // Port 0: the dev stack picks free ports (and starts the server again if one is taken before it binds it; a CI run
  // lost that race once). Restarts reuse the port the clients know.
  let temporalServer: TemporalDevServer = await startTemporalDevServer({ ...temporalOptions, port: 0 });
  const temporalPort = Number(temporalServer.address.split(':').pop());
  const connection = await Connection.connect({ address: temporalServer.address });
  const client = new Client({ connection });

  const secretKey = randomBytes(32).toString('hex');
  const smtp = await startSmtpSink();
  const gateway = await startGateway();
  const apiPort = await getFreePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const env = appEnvironment({
    databaseUrl,
    temporalAddress: temporalServer.address,
    apiPort,
    secretKey,
  });

  let api: ManagedProcess | undefined;
  let worker: ManagedProcess | undefined;
  const startApi = async () => {
    api = spawnApp(dir, 'api', 'api', env);
    await waitForApi(apiUrl);
  };
  const startWorker = async () => {
    worker = spawnApp(dir, 'worker', 'worker', env);
  };
  // The API migrates the database, so it starts first.
  await startApi();
  await startWorker();
  const handle = connect(databaseUrl, { max: 4 });

  return {
    dir,
    secretKey,
    db: handle.db,
    apiUrl,
    temporal: () => client,
    smtp,
    gateway,
    postgres: {
      stop: () => postgres.stop(),
      start: async () => {
        postgres = await startEmbeddedPostgres({ ...pgOptions, port: pgPort });
      },
    },
    temporalServer: {
      stop: async () => {
        await temporalServer.stop();
      },
      // The client's gRPC channel reconnects by itself once the server listens again on the same port.
      start: async () => {
        temporalServer = await startTemporalDevServer({ ...temporalOptions, port: temporalPort });
      },
    },
    api: {
      kill: async () => {
        await api?.stop({ signal: 'SIGKILL' });
      },
      start: startApi,
    },
    worker: {
      kill: async () => {
        await worker?.stop({ signal: 'SIGKILL' });
      },
      start: startWorker,
    },
    async close() {
      await worker?.stop({ timeoutMs: 5_000 });
      await api?.stop({ timeoutMs: 5_000 });
      await handle.close();
      await connection.close().catch(() => undefined);
      await temporalServer.stop();
      await postgres.stop();
      await smtp.close();
      await gateway.close();
      await keepLogs(dir, 'fault-suite', ['api.log', 'worker.log', 'temporal.log', 'postgres.log']);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The workspace's channels: SMTP for email and the gateway for SMS, quiet hours and the frequency cap off (outages
 * are the point, not sending rules), and the templates the fault journeys use.
 */
export async function configureChannels(
  stack: Pick<FaultStack, 'db' | 'secretKey' | 'smtp' | 'gateway'>,
): Promise<void> {
  const { db } = stack;
  const keys = deriveSecretKeys(stack.secretKey);
  await saveChannelSettings(db, FAULT_WORKSPACE, {
    quietHours: { enabled: false },
    frequencyCap: { enabled: false },
  });
  await db.insert(templates).values([
    {
      workspaceId: FAULT_WORKSPACE,
      id: 'gift',
      channel: 'email',
      name: 'Gift',
      subject: 'A gift',
      body: 'A gift',
    },
    { workspaceId: FAULT_WORKSPACE, id: 'welcome', channel: 'sms', name: 'Welcome', body: 'welcome back' },
    { workspaceId: FAULT_WORKSPACE, id: 'second', channel: 'sms', name: 'Second wave', body: 'second wave' },
  ]);
  await createProvider(db, keys, FAULT_WORKSPACE, {
    id: 'mail',
    channel: 'email',
    kind: 'smtp',
    settings: {
      host: '127.0.0.1',
      port: stack.smtp.port,
      fromAddress: 'shop@wakeflow.example',
      timeoutMs: 5_000,
    },
  });
  await createProvider(db, keys, FAULT_WORKSPACE, {
    id: 'gateway',
    channel: 'sms',
    kind: 'http',
    settings: {
      url: `${stack.gateway.url}/sms`,
      idempotencyHeader: 'Idempotency-Key',
      messageIdPath: 'id',
      timeoutMs: 5_000,
    },
    secrets: { authHeaderValue: 'Bearer test' },
  });
}

/** Saves the graph as a journey's draft and publishes it; returns the journey id. */
export async function publishJourney(
  stack: Pick<FaultStack, 'db'>,
  name: string,
  graph: Record<string, unknown>,
): Promise<string> {
  const [journey] = await stack.db
    .insert(journeys)
    .values({ workspaceId: FAULT_WORKSPACE, name, draftGraph: graph, draftSettings: {} })
    .returning({ id: journeys.id });
  await publishJourneyDraft(stack.db, createCatalog(), {
    workspaceId: FAULT_WORKSPACE,
    journeyId: journey!.id,
  });
  return journey!.id;
}
