/**
 * The permission table against the running app: every registered route has exactly one entry (routes added by any
 * module are found by walking the Express router stack), and every entry is walked for every role, every API key
 * scope and an anonymous caller — allowed exactly when the table and the role definitions say so.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiKeyScopeNames,
  permissionsOfRoles,
  permissionsOfScope,
  roleNames,
  routePermissions,
  type Permission,
  type RouteRule,
} from '@wakeflow/auth';
import { listRoutes } from '../../src/http/route-list';
import { createHarness, type Harness, type Session } from './harness';

const table = routePermissions as Record<string, RouteRule>;
const ANY_UUID = '00000000-0000-4000-8000-000000000000';

function concrete(key: string): { method: string; path: string } {
  const [method, path] = key.split(' ') as [string, string];
  return { method, path: `/api${path.replace(/:[A-Za-z]+/g, (p) => (p === ':version' ? '1' : ANY_UUID))}` };
}

/** Refusals the access layer gives; a handler's own 4xx (bad body, not found) means access was granted. */
const ACCESS_CODES = new Set([
  'forbidden',
  'sign_in_required',
  'csrf_token_invalid',
  'origin_not_allowed',
  'route_not_classified',
]);

function expectAllowed(res: request.Response, who: string, key: string) {
  const code: unknown = res.body?.error?.code;
  expect(
    typeof code === 'string' && ACCESS_CODES.has(code),
    `${who} should reach ${key}, got ${res.status} ${String(code)}`,
  ).toBe(false);
}

function expectDenied(res: request.Response, who: string, key: string, status: number, code: string) {
  expect([res.status, res.body?.error?.code], `${who} should be refused ${key}`).toEqual([status, code]);
}

/** One request without a session: anonymous, or with the given headers (an API key). */
function send(h: Harness, method: string, path: string, headers: Record<string, string> = {}): request.Test {
  const verb = method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
  const test = request(h.app)[verb](path).set(headers);
  return method === 'GET' ? test : test.send({});
}

describe('the permission table', () => {
  let h: Harness;
  const sessions = new Map<string, Session>();
  const keys = new Map<string, string>();

  beforeAll(async () => {
    h = await createHarness();
    for (const role of roleNames) sessions.set(role, await h.person('a', [role]));
    for (const scope of apiKeyScopeNames) keys.set(scope, await h.apiKey('a', scope));
  });
  afterAll(async () => {
    await h?.close();
  });

  it('classifies every registered route, and lists no route that does not exist', () => {
    const registered = listRoutes(h.app)
      .filter((r) => r.path.startsWith('/api/'))
      .map((r) => `${r.method} ${r.path.slice('/api'.length)}`);
    expect(registered.length).toBeGreaterThan(50);
    const unclassified = registered.filter((k) => !(k in table));
    expect(unclassified, 'add these routes to packages/auth/src/route-permissions.ts').toEqual([]);
    const stale = Object.keys(table).filter((k) => !registered.includes(k));
    expect(stale, 'these table entries name no route').toEqual([]);
  });

  it('answers every non-public route with 401 to an anonymous caller', async () => {
    for (const [key, rule] of Object.entries(table)) {
      const { method, path } = concrete(key);
      const res = await send(h, method, path);
      if (rule === 'public') expectAllowed(res, 'anonymous', key);
      else expectDenied(res, 'anonymous', key, 401, 'sign_in_required');
    }
  });

  for (const role of roleNames) {
    it(`walks every route as a ${role}`, async () => {
      const session = sessions.get(role)!;
      const granted = permissionsOfRoles([role]);
      for (const [key, rule] of Object.entries(table)) {
        // Signing out would end the session the walk uses; it is tested in sign-in.test.ts.
        if (key === 'POST /auth/sign-out') continue;
        const { method, path } = concrete(key);
        const res = await h.as(session, method, path).send(method === 'GET' ? undefined : {});
        if (rule === 'public' || rule === 'signed_in' || granted.has(rule as Permission))
          expectAllowed(res, role, key);
        else expectDenied(res, role, key, 403, 'forbidden');
      }
    });
  }

  for (const scope of apiKeyScopeNames) {
    it(`walks every route with a ${scope} API key`, async () => {
      const key = keys.get(scope)!;
      const granted = permissionsOfScope(scope);
      for (const [route, rule] of Object.entries(table)) {
        const { method, path } = concrete(route);
        const res = await send(h, method, path, { Authorization: `Bearer ${key}` });
        if (rule === 'public' || rule === 'signed_in' || granted.has(rule as Permission))
          expectAllowed(res, `${scope} key`, route);
        else expectDenied(res, `${scope} key`, route, 403, 'forbidden');
      }
    });
  }

  it('lets an ingest key reach the ingest endpoints and nothing else of the workspace', async () => {
    const key = keys.get('ingest')!;
    const auth = { Authorization: `Bearer ${key}` };
    const upsert = await request(h.app)
      .put('/api/customers/ik-1')
      .set(auth)
      .send({ email: 'ik-1@example.com' });
    expect(upsert.status).toBe(200);
    const event = await request(h.app).post('/api/events').set(auth).send({
      eventId: 'ik-e1',
      customerExternalId: 'ik-1',
      name: 'login',
      occurredAt: '2026-01-01T00:00:00Z',
    });
    expect(event.status).toBe(202);
    const reads = Object.entries(table).filter(([k, r]) => k.startsWith('GET ') && r === 'workspace.read');
    for (const [route] of reads) {
      const res = await request(h.app).get(concrete(route).path).set(auth);
      expect(res.status, route).toBe(403);
    }
  });
});
