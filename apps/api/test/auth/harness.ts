/**
 * A real API for the auth tests, on the journey bench (a fresh PostgreSQL database and Temporal's test server), with
 * people of every role, API keys and sessions made through the real sign-in route, in required-auth mode.
 */
import request from 'supertest';
import { workspaces as workspacesTable } from '@wakeflow/db';
import type { TestDatabase } from '@wakeflow/db/testing';
import {
  createApiKey,
  ensureUser,
  hashPassword,
  setMembership,
  type ApiKeyScope,
  type AuthMail,
  type Role,
} from '@wakeflow/auth';
import { createJourneyBench } from '@wakeflow/testing';
import { createApp } from '../../src/app';
import type { AuthOptions } from '../../src/http/auth-config';
import { channelAuthMailer } from '../../src/routes/auth/auth-mailer';
import { checkAnswersAgainstReference } from '../support/contract-check';

// Every answer of the auth tests is checked against the OpenAPI document.
checkAnswersAgainstReference();

export const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
export const PASSWORD = 'correct horse battery staple';

export interface Session {
  cookie: string;
  csrfToken: string;
  userId: string;
}

export interface Harness {
  database: TestDatabase;
  /** Warnings the account mailer wrote to the server log (where links go when no channel may carry them). */
  serverLog: string[];
  /** Account mail handed to the test mailer (when not sending through the channels). */
  sentMail: AuthMail[];
  /** The token of the newest account mail to this address. */
  tokenSentTo(email: string): string;
  app: ReturnType<typeof createApp>;
  /** Another API over the same database and Temporal, as a second API process behind a load balancer would be. */
  anotherApp(): ReturnType<typeof createApp>;
  /** Creates a person with these roles in the workspace and signs them in. */
  person(workspaceId: string, roles: Role[], email?: string): Promise<Session>;
  signIn(email: string, password?: string): Promise<Session>;
  apiKey(workspaceId: string, scope: ApiKeyScope): Promise<string>;
  /** A request as a session: cookie and CSRF header set. */
  as(session: Session, method: string, path: string): request.Test;
  close(): Promise<void>;
}

let people = 0;

export function sessionCookie(setCookie: string[] | string | undefined): string {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const found = list.find(
    (c) => c.startsWith('wakeflow_session=') || c.startsWith('__Host-wakeflow_session='),
  );
  if (!found) throw new Error(`no session cookie in ${JSON.stringify(list)}`);
  return found.split(';')[0]!;
}

export async function createHarness(
  options: {
    workspaces?: string[];
    auth?: Partial<AuthOptions>;
    /** Send account mail through the real channels (auth-mailer.ts) instead of dropping it. */
    channelMailer?: boolean;
    /** The environment the channel mailer reads (installation SMTP, address policy). */
    mailerEnv?: NodeJS.ProcessEnv;
    /** A built web app for the API to serve. */
    webDist?: string;
  } = {},
): Promise<Harness> {
  const workspaces = options.workspaces ?? ['a', 'b'];
  const serverLog: string[] = [];
  const sentMail: AuthMail[] = [];
  const mailerLog = { ...silent, warn: (_obj: unknown, msg?: string) => void serverLog.push(msg ?? '') };
  const bench = await createJourneyBench();
  const { database } = bench;
  const { db } = database;
  await db
    .insert(workspacesTable)
    .values(workspaces.map((id) => ({ id, name: id })))
    .onConflictDoNothing();
  const makeApp = () =>
    createApp({
      db,
      catalog: bench.catalog,
      temporal: bench.env.client,
      starter: bench.starter,
      events: bench.router,
      logger: silent,
      defaultWorkspaceId: workspaces[0]!,
      ...(options.webDist ? { webDist: options.webDist } : {}),
      auth: {
        mode: 'required',
        mailer: options.channelMailer
          ? channelAuthMailer(db, mailerLog, { NODE_ENV: 'test', ...options.mailerEnv })
          : { send: async (mail) => void sentMail.push(mail) },
        // Tests sign in a lot from one address; the sign-in test sets tight limits of its own.
        limits: {
          signInFailures: 1_000,
          signInFailuresPerAccount: 1_000,
          signInPerIp: 10_000,
          signInWindowMs: 60_000,
          ingestPerMinute: 10_000,
        },
        ...options.auth,
      },
    });
  const app = makeApp();

  async function signIn(email: string, password = PASSWORD): Promise<Session> {
    const res = await request(app).post('/api/auth/sign-in').send({ email, password });
    if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${JSON.stringify(res.body)}`);
    return {
      cookie: sessionCookie(res.headers['set-cookie']),
      csrfToken: res.body.csrfToken,
      userId: res.body.user.id,
    };
  }

  const passwordHash = await hashPassword(PASSWORD);
  return {
    database,
    serverLog,
    sentMail,
    tokenSentTo(email) {
      const mail = [...sentMail].reverse().find((m) => m.to === email);
      if (!mail) throw new Error(`no account mail to ${email}`);
      return decodeURIComponent(/#token=([^&\s]+)/.exec(mail.link)![1]!);
    },
    app,
    anotherApp: makeApp,
    signIn,
    async person(workspaceId, roles, email = `person-${++people}@example.com`) {
      const { user } = await ensureUser(db, { email, passwordHash });
      await setMembership(db, workspaceId, user.id, roles);
      const res = await request(app)
        .post('/api/auth/sign-in')
        .send({ email, password: PASSWORD, workspaceId });
      if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${JSON.stringify(res.body)}`);
      return {
        cookie: sessionCookie(res.headers['set-cookie']),
        csrfToken: res.body.csrfToken,
        userId: user.id,
      };
    },
    async apiKey(workspaceId, scope) {
      return (await createApiKey(db, { workspaceId, name: `${scope} key`, scope, createdBy: 'test' })).key;
    },
    as(session, method, path) {
      const agent = request(app);
      const m = method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
      return agent[m](path).set('Cookie', session.cookie).set('x-csrf-token', session.csrfToken);
    },
    close: () => bench.close(),
  };
}
