/**
 * Publish approval and the audit log: with approval required, a campaign manager's publish becomes a request; a
 * reviewer sees the diff and validation, rejects with a comment or approves (which publishes exactly what was
 * reviewed); nobody approves their own request; every step is in the audit log, which no route and no SQL can edit.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog, journeyVersions, journeys } from '@wakeflow/db';
import { createHarness, type Harness, type Session } from './harness';

const graph = {
  nodes: [
    { id: 't', type: 'api_trigger', config: {} },
    { id: 'x', type: 'exit', config: { outcome: 'done' } },
  ],
  edges: [{ source: 't', target: 'x' }],
};

describe('publish approval', () => {
  let h: Harness;
  let admin: Session;
  let manager: Session;
  let reviewer: Session;
  let journeyId: string;

  beforeAll(async () => {
    h = await createHarness();
    admin = await h.person('a', ['admin']);
    manager = await h.person('a', ['campaign_manager']);
    reviewer = await h.person('a', ['reviewer']);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('publishes at once while the workspace does not require approval', async () => {
    const created = await h.as(manager, 'POST', '/api/journeys').send({ name: 'Direct', graph });
    const published = await h.as(manager, 'POST', `/api/journeys/${created.body.id}/publish`).send({});
    expect(published.status).toBe(201);
    const [version] = await h.database.db
      .select()
      .from(journeyVersions)
      .where(eq(journeyVersions.journeyId, created.body.id));
    expect(version!.publishedBy).toBe(`user:${manager.userId}`);
  });

  it('is a workspace setting only admins change, recorded with before and after', async () => {
    expect(
      (await h.as(manager, 'PATCH', '/api/workspace').send({ requirePublishApproval: true })).status,
    ).toBe(403);
    const set = await h.as(admin, 'PATCH', '/api/workspace').send({ requirePublishApproval: true });
    expect(set.status).toBe(200);
    expect(set.body.workspace.settings).toEqual({ requirePublishApproval: true });
    const audit = await h.as(admin, 'GET', '/api/audit').query({ action: 'workspace.settings_changed' });
    expect(audit.body.entries[0]).toMatchObject({
      actor: `user:${admin.userId}`,
      before: { requirePublishApproval: false },
      after: { requirePublishApproval: true },
    });
  });

  it('turns a publish into a request, refusing invalid drafts outright', async () => {
    const created = await h.as(manager, 'POST', '/api/journeys').send({ name: 'Needs review', graph });
    journeyId = created.body.id;
    const broken = await h
      .as(manager, 'POST', '/api/journeys')
      .send({ name: 'Broken', graph: { nodes: [{ id: 't', type: 'api_trigger', config: {} }], edges: [] } });
    expect((await h.as(manager, 'POST', `/api/journeys/${broken.body.id}/publish`).send({})).status).toBe(
      422,
    );

    const asked = await h
      .as(manager, 'POST', `/api/journeys/${journeyId}/publish`)
      .send({ revision: 1, comment: 'first wave' });
    expect(asked.status).toBe(202);
    expect(asked.body).toMatchObject({
      approvalRequired: true,
      approval: { status: 'pending', journeyId, requestComment: 'first wave', draftRevision: 1 },
    });
    const [row] = await h.database.db.select().from(journeys).where(eq(journeys.id, journeyId));
    expect(row).toMatchObject({ liveVersion: null, status: 'draft' });
  });

  it('shows the reviewer the diff and validation of exactly what would go live', async () => {
    const inbox = await h.as(reviewer, 'GET', '/api/approvals').query({ status: 'pending' });
    expect(inbox.body.approvals).toHaveLength(1);
    const detail = await h.as(reviewer, 'GET', `/api/approvals/${inbox.body.approvals[0].id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.validation).toEqual({ valid: true, problems: [] });
    expect(detail.body.diff.nodes.added.map((n: { id: string }) => n.id)).toEqual(['t', 'x']);
    expect(detail.body.diffAgainstVersion).toBeNull();
  });

  it('lets only reviewers decide, rejection needs a comment, and the decision stays', async () => {
    const [pending] = (await h.as(reviewer, 'GET', '/api/approvals').query({ status: 'pending' })).body
      .approvals;
    expect((await h.as(manager, 'POST', `/api/approvals/${pending.id}/approve`).send({})).status).toBe(403);
    expect(
      (await h.as(reviewer, 'POST', `/api/approvals/${pending.id}/reject`).send({ comment: '' })).status,
    ).toBe(400);
    const rejected = await h
      .as(reviewer, 'POST', `/api/approvals/${pending.id}/reject`)
      .send({ comment: 'Add a wait step first' });
    expect(rejected.body.approval).toMatchObject({
      status: 'rejected',
      decisionComment: 'Add a wait step first',
      decidedBy: `user:${reviewer.userId}`,
    });
    expect(
      (await h.as(reviewer, 'POST', `/api/approvals/${pending.id}/approve`).send({})).body.error.code,
    ).toBe('not_pending');
  });

  it('approving publishes the reviewed snapshot, not a draft edited since', async () => {
    const asked = await h.as(manager, 'POST', `/api/journeys/${journeyId}/publish`).send({});
    const requestId: string = asked.body.approval.id;
    // The manager keeps editing after asking.
    const edited = {
      ...graph,
      nodes: [...graph.nodes.slice(0, 1), { id: 'x', type: 'exit', config: { outcome: 'changed-later' } }],
    };
    expect(
      (
        await h
          .as(manager, 'PUT', `/api/journeys/${journeyId}/draft`)
          .send({ graph: edited, settings: {}, revision: 1 })
      ).status,
    ).toBe(200);

    const approved = await h
      .as(reviewer, 'POST', `/api/approvals/${requestId}/approve`)
      .send({ comment: 'Looks right' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      version: 1,
      approval: { status: 'approved', version: 1, decisionComment: 'Looks right' },
    });
    const version = await h.as(reviewer, 'GET', `/api/journeys/${journeyId}/versions/1`);
    expect(version.body.graph.nodes[1].config.outcome).toBe('done');
    const history = await h.as(manager, 'GET', `/api/journeys/${journeyId}/approvals`);
    expect(
      history.body.approvals.map((a: { status: string; version: number | null }) => [a.status, a.version]),
    ).toEqual([
      ['approved', 1],
      ['rejected', null],
    ]);
  });

  it('refuses approving your own request', async () => {
    const both = await h.person('a', ['campaign_manager', 'reviewer']);
    const created = await h.as(both, 'POST', '/api/journeys').send({ name: 'Mine', graph });
    const asked = await h.as(both, 'POST', `/api/journeys/${created.body.id}/publish`).send({});
    const own = await h.as(both, 'POST', `/api/approvals/${asked.body.approval.id}/approve`).send({});
    expect(own.status).toBe(403);
    expect(own.body.error.code).toBe('own_request');
  });
});

describe('audit log', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('records who created, changed and published what, filterable, and cannot be edited', async () => {
    const manager = await h.person('a', ['campaign_manager']);
    const reviewer = await h.person('a', ['reviewer']);
    const created = await h.as(manager, 'POST', '/api/journeys').send({ name: 'Audited', graph });
    const id: string = created.body.id;
    await h.as(manager, 'PATCH', `/api/journeys/${id}`).send({ name: 'Audited, renamed' });
    await h.as(manager, 'POST', `/api/journeys/${id}/publish`).send({});
    // A route of another area without its own audit call still leaves a generic entry.
    await h.as(manager, 'POST', '/api/segments').send({
      id: 'seg-audited',
      name: 'Audited segment',
      definition: { kind: 'tag', tag: 'vip', has: true },
    });

    const entries = (await h.as(reviewer, 'GET', '/api/audit').query({ entityId: id })).body.entries;
    expect(entries.map((e: { action: string }) => e.action)).toEqual([
      'journey.published',
      'journey.changed',
      'journey.created',
    ]);
    const changed = entries.find((e: { action: string }) => e.action === 'journey.changed');
    expect(changed).toMatchObject({
      actor: `user:${manager.userId}`,
      before: { name: 'Audited' },
      after: { name: 'Audited, renamed' },
    });

    await expect
      .poll(
        async () =>
          (await h.as(reviewer, 'GET', '/api/audit').query({ entityType: 'segments' })).body.entries.length,
      )
      .toBeGreaterThan(0);
    const byActor = await h
      .as(reviewer, 'GET', '/api/audit')
      .query({ actor: `user:${manager.userId}`, limit: 2 });
    expect(byActor.body.entries).toHaveLength(2);
    expect(byActor.body.nextBefore).toEqual(expect.any(Number));

    // Campaign managers do not read it; no route writes it; the database refuses to change it.
    expect((await h.as(manager, 'GET', '/api/audit')).status).toBe(403);
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect((await h.as(reviewer, method, '/api/audit').send({})).status).toBe(404);
      expect((await h.as(reviewer, method, `/api/audit/${entries[0].id}`).send({})).status).toBe(404);
    }
    await expect(h.database.db.update(auditLog).set({ actor: 'someone-else' })).rejects.toThrow();
    await expect(h.database.db.delete(auditLog)).rejects.toThrow();
    expect((await request(h.app).get('/api/audit')).status).toBe(401);
  });
});
