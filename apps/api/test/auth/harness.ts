/**
 * A real API on a fresh PostgreSQL database for the auth tests, with people of every role, API keys and sessions
 * made through the real sign-in route. Temporal is a stub that fails loudly: these tests stop at authorisation,
 * workspace scoping and approval, before any run would start (a route that reached Temporal here would answer 500
 * and fail the test that called it).
 */
import request from 'supertest';
import type { Client } from '@temporalio/client';
import { createCatalog } from '@wakeflow/catalog';
import { createTestDatabase, type TestDatabase } from '@wakeflow/db/testing';
import {
  createApiKey,
  ensureUser,
  hashPassword,
  setMembership,
  type ApiKeyScope,
  type Role,
} from '@wakeflow/auth';
import { createEventRouter, createRunStarter } from '@wakeflow/temporal';
import { createApp } from '../../src/app';
import type { AuthOptions } from '../../src/http/auth-config';
import { channelResetMailer } from '../../src/routes/auth/reset-mailer';

export const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
export const PASSWORD = 'correct horse battery staple';

function temporalStub(): Client {
  return new Proxy({} as object, {
    get(_target, prop) {
      if (prop === 'then') return undefined;
      throw new Error(`The auth tests do not run Temporal (used client.${String(prop)})`);
    },
  }) as Client;
}

export interface Session {
  cookie: string;
  csrfToken: string;
  userId: string;
}

export interface Harness {
  database: TestDatabase;
  app: ReturnType<typeof createApp>;
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
    /** Send reset links through the real email channel. */ channelMailer?: boolean;
  } = {},
): Promise<Harness> {
  const workspaces = options.workspaces ?? ['a', 'b'];
  const database = await createTestDatabase({ workspaceIds: workspaces });
  const { db } = database;
  const temporal = temporalStub();
  const starter = createRunStarter({ db, client: temporal });
  const app = createApp({
    db,
    catalog: createCatalog(),
    temporal,
    starter,
    events: createEventRouter({ db, client: temporal, starter }),
    logger: silent,
    defaultWorkspaceId: workspaces[0]!,
    auth: {
      mode: 'required',
      mailer: options.channelMailer ? channelResetMailer(db) : { send: async () => undefined },
      // Tests sign in a lot from one address; the sign-in test sets tight limits of its own.
      limits: { signInFailures: 1_000, signInPerIp: 10_000, signInWindowMs: 60_000, ingestPerMinute: 10_000 },
      ...options.auth,
    },
  });

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
    app,
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
    close: () => database.drop(),
  };
}
