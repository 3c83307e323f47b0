/**
 * The real API (createApp on a fresh PostgreSQL database) serving the built editor, plus headless Debian
 * Chromium via playwright-core. Temporal is wired through a lazy connection: the editor never starts runs, so
 * no Temporal server is needed, yet every route is the production code.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { chromium, type Browser } from 'playwright-core';
// The API package exports no entry yet; its app factory is imported from source.
import { createApp } from '../../api/src/app';
import type { AuthOptions } from '../../api/src/http/auth-config';
import { createCatalog } from '@wakeflow/catalog';
import { segments, templates } from '@wakeflow/db';
import { createTestDatabase, TEST_WORKSPACE_ID, type TestDatabase } from '@wakeflow/db/testing';
import { createEventRouter, createRunStarter, type JourneyRunStarter } from '@wakeflow/temporal';
import type { JourneyScheduler } from '../../api/src/deps';

export const webRoot = fileURLToPath(new URL('..', import.meta.url));
export const webDist = fileURLToPath(new URL('../dist', import.meta.url));

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds the editor when the build is missing or older than its sources (WAKEFLOW_WEB_REBUILD=1 forces one). */
export function ensureWebBuild(): void {
  const index = `${webDist}/index.html`;
  const fresh = existsSync(index) && statSync(index).mtimeMs > newestSource(path.join(webRoot, 'src'));
  if (fresh && process.env.WAKEFLOW_WEB_REBUILD !== '1') return;
  // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build (several times slower).
  execFileSync('pnpm', ['exec', 'vite', 'build', '--logLevel', 'warn'], {
    cwd: webRoot,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
}

export interface EditorServer {
  url: string;
  database: TestDatabase;
  close(): Promise<void>;
}

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Segments and message templates the canonical journey refers to, so it validates and publishes. */
export async function seedWorkspace(database: TestDatabase): Promise<void> {
  await database.db.insert(segments).values([
    {
      workspaceId: TEST_WORKSPACE_ID,
      id: 'no-login-30d',
      name: 'No login for 30 days',
      definition: { kind: 'tag', tag: 'dormant', has: true },
    },
    {
      workspaceId: TEST_WORKSPACE_ID,
      id: 'dormant-3-6m',
      name: 'Dormant 3–6 months',
      definition: { kind: 'tag', tag: 'dormant_3_6', has: true },
    },
  ]);
  await database.db.insert(templates).values([
    {
      workspaceId: TEST_WORKSPACE_ID,
      id: 'return-gift-email',
      channel: 'email',
      name: 'Return gift email',
      subject: 'A gift',
      body: 'Welcome back',
    },
    {
      workspaceId: TEST_WORKSPACE_ID,
      id: 'return-gift-sms',
      channel: 'sms',
      name: 'Return gift SMS',
      body: 'A gift is waiting',
    },
    {
      workspaceId: TEST_WORKSPACE_ID,
      id: 'second-wave-push',
      channel: 'push',
      name: 'Second wave push',
      body: 'Still here for you',
    },
    {
      workspaceId: TEST_WORKSPACE_ID,
      id: 'second-wave-email',
      channel: 'email',
      name: 'Stronger offer email',
      subject: '100 off',
      body: 'Come back',
    },
  ]);
}

/** The account mail a test mailer receives (the web app itself does not depend on @wakeflow/auth). */
export type AccountMail = Parameters<NonNullable<AuthOptions['mailer']>['send']>[0];

export interface EditorServerOptions {
  /** `required`: sign-in as in production; default `local`, where every request acts as the workspace admin. */
  authMode?: 'local' | 'required';
  /** Extra data before the app starts (e.g. an admin account). */
  prepare?(database: TestDatabase): Promise<void>;
  /** Stands in for Temporal where a test serves recorded histories. */
  temporal?: Client;
  /**
   * Runs on a real Temporal server (a journey bench): the bench's database (seeded here, dropped by the bench), its
   * client for the app and its event routing, its run starter, and the audience-check schedules.
   */
  live?: {
    database: TestDatabase;
    client: Client;
    starter: JourneyRunStarter;
    schedules: JourneyScheduler;
  };
  /** Receives account mail (invitations, resets) instead of the email channel, so a test can open the links. */
  mailer?: AuthOptions['mailer'];
}

export async function startEditorServer(options: EditorServerOptions = {}): Promise<EditorServer> {
  ensureWebBuild();
  const { live } = options;
  const database = live?.database ?? (await createTestDatabase());
  await seedWorkspace(database);
  await options.prepare?.(database);
  // Lazy: nothing connects until a route starts a run, which the editor never does.
  const client =
    live?.client ??
    new Client({
      connection: Connection.lazy({ address: '127.0.0.1:7233' }),
      namespace: 'default',
    });
  const starter = live?.starter ?? createRunStarter({ db: database.db, client });
  // Listen first: the app needs its own origin, which browser requests must carry (the API's Origin check).
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const app = createApp({
    db: database.db,
    catalog: createCatalog(),
    temporal: options.temporal ?? client,
    starter,
    events: createEventRouter({ db: database.db, client, starter }),
    ...(live ? { schedules: live.schedules } : {}),
    logger: silent,
    defaultWorkspaceId: TEST_WORKSPACE_ID,
    webDist,
    // First-run mode on loopback by default: every request acts as the workspace admin, so no sign-in step.
    auth: {
      mode: options.authMode ?? 'local',
      publicUrl: url,
      ...(options.mailer ? { mailer: options.mailer } : {}),
    },
  });
  server.on('request', app);
  return {
    url,
    database,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (!live) await database.drop();
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.WAKEFLOW_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}
