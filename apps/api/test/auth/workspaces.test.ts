/**
 * Workspaces are walls. Workspace "b" is filled with one of everything; a person holding every role in workspace
 * "a" then calls EVERY registered API route (found by walking the Express router stack, so routes added later are
 * covered without editing this test) with b's ids. Reads answer 404, writes change nothing in b, and no answer
 * contains any of b's ids or names.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import {
  apiKeys,
  couponPools,
  customers,
  journeyVersions,
  journeys,
  invitations,
  memberships,
  messages,
  providers,
  publishRequests,
  runs,
  segments,
  templates,
  testRecipients,
} from '@wakeflow/db';
import {
  createApiKey,
  createInvitation,
  createPublishRequest,
  ensureUser,
  roleNames,
  setMembership,
} from '@wakeflow/auth';
import { listRoutes } from '../../src/http/route-list';
import { createHarness, type Harness, type Session } from './harness';

const MARK = 'SECRET-OF-B';

interface Seeded {
  journeyId: string;
  runId: string;
  customerId: string;
  requestId: string;
  apiKeyId: string;
  userId: string;
  invitationId: string;
  testRecipientId: string;
}

async function seedWorkspaceB(h: Harness): Promise<Seeded> {
  const { db } = h.database;
  const graph = {
    nodes: [
      { id: 't', type: 'api_trigger', config: {} },
      { id: 'x', type: 'exit', config: { outcome: 'done' } },
    ],
    edges: [{ source: 't', target: 'x' }],
  };
  const [journey] = await db
    .insert(journeys)
    .values({ workspaceId: 'b', name: `${MARK} journey`, draftGraph: graph, status: 'live', liveVersion: 1 })
    .returning();
  await db.insert(journeyVersions).values({
    workspaceId: 'b',
    journeyId: journey!.id,
    version: 1,
    graph,
    plan: { settings: {} },
    planHash: 'h'.repeat(64),
    triggerType: 'api',
  });
  const [customer] = await db
    .insert(customers)
    .values({ workspaceId: 'b', externalId: `${MARK}-customer`, email: 'b@example.com', firstName: MARK })
    .returning();
  const [run] = await db
    .insert(runs)
    .values({
      workspaceId: 'b',
      workflowId: `journey/b/${journey!.id}/v1/${customer!.id}/1`,
      journeyId: journey!.id,
      version: 1,
      customerId: customer!.id,
      entry: 1,
      startedAt: new Date(),
    })
    .returning();
  await db.insert(messages).values({
    workspaceId: 'b',
    idempotencyKey: `${MARK}-msg`,
    customerId: customer!.id,
    channel: 'email',
    subject: MARK,
    runId: run!.id,
    journeyId: journey!.id,
  });
  await db.insert(templates).values({
    workspaceId: 'b',
    id: 'tpl-b',
    channel: 'email',
    name: `${MARK} template`,
    subject: MARK,
    body: MARK,
  });
  await db.insert(segments).values({
    workspaceId: 'b',
    id: 'seg-b',
    name: `${MARK} segment`,
    definition: { kind: 'tag', tag: 'x', has: true },
  });
  await db
    .insert(providers)
    .values({ workspaceId: 'b', id: 'prov-b', channel: 'email', kind: 'log', settings: { note: MARK } });
  await db.insert(couponPools).values({ workspaceId: 'b', id: 'pool-b', name: `${MARK} pool` });
  const [seed] = await db
    .insert(testRecipients)
    .values({ workspaceId: 'b', name: `${MARK} seed`, email: 'seed-of-b@example.com' })
    .returning();
  const { request: pending } = await createPublishRequest(db, {
    workspaceId: 'b',
    journeyId: journey!.id,
    draftRevision: 1,
    graph,
    settings: {},
    baseVersion: 1,
    requestedBy: 'user:b',
    comment: MARK,
  });
  const key = await createApiKey(db, {
    workspaceId: 'b',
    name: `${MARK} key`,
    scope: 'admin',
    createdBy: 'test',
  });
  const { user } = await ensureUser(db, { email: 'secret-of-b@example.com', name: MARK });
  await setMembership(db, 'b', user.id, ['admin']);
  const { invitation } = await createInvitation(db, {
    workspaceId: 'b',
    email: 'invited-to-b@example.com',
    name: MARK,
    roles: ['admin'],
    invitedBy: 'test',
  });
  return {
    invitationId: invitation.id,
    journeyId: journey!.id,
    runId: run!.id,
    customerId: customer!.id,
    requestId: pending.id,
    apiKeyId: key.apiKey.id,
    userId: user.id,
    testRecipientId: seed!.id,
  };
}

/** Everything of workspace b, to prove that no write through a's principal touched it. */
async function snapshotB(h: Harness): Promise<string> {
  const { db } = h.database;
  const parts = await Promise.all([
    db.select().from(journeys).where(eq(journeys.workspaceId, 'b')),
    db.select().from(journeyVersions).where(eq(journeyVersions.workspaceId, 'b')),
    db.select().from(customers).where(eq(customers.workspaceId, 'b')),
    db.select().from(runs).where(eq(runs.workspaceId, 'b')),
    db.select().from(templates).where(eq(templates.workspaceId, 'b')),
    db.select().from(segments).where(eq(segments.workspaceId, 'b')),
    db.select().from(providers).where(eq(providers.workspaceId, 'b')),
    db.select().from(couponPools).where(eq(couponPools.workspaceId, 'b')),
    db.select().from(publishRequests).where(eq(publishRequests.workspaceId, 'b')),
    db.select().from(apiKeys).where(eq(apiKeys.workspaceId, 'b')),
    db.select().from(memberships).where(eq(memberships.workspaceId, 'b')),
    db.select().from(invitations).where(eq(invitations.workspaceId, 'b')),
    db.select().from(testRecipients).where(eq(testRecipients.workspaceId, 'b')),
  ]);
  return JSON.stringify(parts);
}

/** b's id for a route parameter, by the resource the path names. */
function idFor(path: string, param: string, b: Seeded): string {
  const before = path.slice(0, path.indexOf(`:${param}`));
  const resource =
    before
      .split('/')
      .filter((s) => s && !s.startsWith(':'))
      .pop() ?? '';
  if (param === 'version') return '1';
  if (param === 'stepId') return 't';
  if (param === 'externalId') return `${MARK}-customer`;
  const byResource: Record<string, string> = {
    journeys: b.journeyId,
    runs: b.runId,
    customers: b.customerId,
    templates: 'tpl-b',
    segments: 'seg-b',
    providers: 'prov-b',
    'coupon-pools': 'pool-b',
    approvals: b.requestId,
    'api-keys': b.apiKeyId,
    people: b.userId,
    invitations: b.invitationId,
    'test-recipients': b.testRecipientId,
  };
  const id = byResource[resource];
  if (!id) throw new Error(`No workspace-b id for :${param} in ${path}; add the resource to idFor()`);
  return id;
}

/** Valid bodies, so writes get past validation to the workspace lookup. */
const bodies: Record<string, unknown> = {
  'PATCH /journeys/:id': { name: 'hijacked' },
  'PUT /journeys/:id/draft': { graph: { nodes: [], edges: [] }, settings: {}, revision: 1 },
  'POST /journeys/:id/runs': { customerExternalId: `${MARK}-customer` },
  'PATCH /templates/:id': { name: 'hijacked' },
  'PATCH /segments/:id': { name: 'hijacked' },
  'PATCH /providers/:id': { settings: {} },
  'POST /coupon-pools/:id/codes': { codes: ['HIJACK-1'] },
  'POST /coupon-pools/:id/generate': { count: 1 },
  'PATCH /people/:userId': { roles: ['reviewer'] },
  'POST /approvals/:id/approve': { comment: 'ok' },
  'POST /approvals/:id/reject': { comment: 'no' },
  'POST /auth/workspace': { workspaceId: 'b' },
};

/**
 * Routes that answer another workspace's id with an empty 200 instead of 404. No data leaks (the leak check above
 * still runs on them), but they should say 404; each entry names its owner. Remove entries as they are fixed.
 */
const KNOWN_EMPTY_NOT_404 = new Map<string, string>([]);

/** Routes where another workspace's id is not a lookup: upsert by external id creates the customer in a. */
const UPSERTS = new Set(['PUT /customers/:externalId']);

describe('workspace isolation on every route', () => {
  let h: Harness;
  let b: Seeded;
  let everything: Session;
  const markers: string[] = [];

  beforeAll(async () => {
    h = await createHarness();
    b = await seedWorkspaceB(h);
    markers.push(
      MARK,
      b.journeyId,
      b.runId,
      b.customerId,
      b.requestId,
      b.apiKeyId,
      b.userId,
      'tpl-b',
      'seg-b',
      'prov-b',
      'pool-b',
    );
    everything = await h.person('a', [...roleNames]);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("answers 404 to b's ids and never shows or changes b's data", async () => {
    const before = await snapshotB(h);
    const routes = listRoutes(h.app)
      .filter((r) => r.path.startsWith('/api/'))
      // Links in messages carry their workspace in a signed token, not the principal; tested by the channels area.
      .filter((r) => !r.path.startsWith('/api/t/'))
      // Signing out would end the session this walk uses.
      .filter((r) => r.path !== '/api/auth/sign-out');
    let withIds = 0;
    const problems: string[] = [];
    for (const route of routes) {
      const key = `${route.method} ${route.path.slice(4)}`;
      const params = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
      // An upsert with b's external id would create a's own customer of that name, which later lists rightly show.
      const path = UPSERTS.has(key)
        ? route.path.replace(/:[A-Za-z]+/g, 'created-in-a')
        : params.reduce(
            (p, name) => p.replace(`:${name}`, encodeURIComponent(idFor(route.path, name, b))),
            route.path,
          );
      const body = bodies[key] ?? {};
      const call = h.as(everything, route.method, path);
      const res = route.method === 'GET' ? await call : await call.send(body as object);
      const text = res.text ?? '';
      // An error may echo what we sent ("no customer with external id …"); anything else of b's is a leak.
      const sent = `${decodeURIComponent(path)} ${JSON.stringify(body)}`;
      for (const marker of markers.filter((m) => !sent.includes(m))) {
        if (text.includes(marker)) problems.push(`${key} leaked ${marker}: ${text.slice(0, 300)}`);
      }
      if (params.length === 0 || UPSERTS.has(key)) continue;
      withIds++;
      const ok = KNOWN_EMPTY_NOT_404.has(key)
        ? res.status < 500
        : route.method === 'GET'
          ? res.status === 404
          : res.status >= 400 && res.status < 500;
      if (!ok) problems.push(`${key} → ${res.status} ${text.slice(0, 200)}`);
    }
    // All at once, so one run names every route at fault.
    expect(problems).toEqual([]);
    expect(withIds).toBeGreaterThan(30);
    expect(await snapshotB(h)).toBe(before);
  });

  it('ignores any attempt to pick the workspace from the request', async () => {
    const res = await h
      .as(everything, 'GET', '/api/journeys')
      .set('x-wakeflow-workspace', 'b')
      .query({ workspaceId: 'b' });
    expect(res.status).toBe(200);
    expect(res.text).not.toContain(MARK);
    const keyB = (
      await createApiKey(h.database.db, { workspaceId: 'b', name: 'k', scope: 'read', createdBy: 'test' })
    ).key;
    const asB = await request(h.app)
      .get('/api/journeys')
      .set('Authorization', `Bearer ${keyB}`)
      .set('x-wakeflow-workspace', 'a');
    expect(asB.body.journeys.map((j: { name: string }) => j.name)).toEqual([`${MARK} journey`]);
  });
});
