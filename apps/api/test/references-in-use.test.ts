/**
 * Nothing a journey uses can vanish (issue 17 item 1): deleting a template, segment or a channel's only provider
 * that a draft, the live version or a version with runs in flight uses is refused with 409 `in_use`, naming the
 * journeys in the one error shape (`usedBy`); unused ones delete as before; publish refuses a step whose template,
 * segment or coupon pool does not exist. Through the HTTP API on a fresh PostgreSQL database.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { errorBodySchema } from '@wakeflow/contracts';
import { customers, journeys, runs } from '@wakeflow/db';
import { createJourneyBench, type JourneyBench } from '@wakeflow/testing';
import type { createApp } from '../src/app';
import { createBenchApp } from './support/bench-app';

const gift = { id: 'gift', channel: 'email', name: 'Return gift', subject: 'A gift', body: 'Come back' };
const spare = { id: 'spare', channel: 'email', name: 'Spare', subject: 'Spare', body: 'Unused' };
const dormant = { kind: 'trait', field: 'facts.purchaseCount', op: 'gte', value: 1 };

function winBack(templateId: string, poolId = 'wb20') {
  return {
    nodes: [
      { id: 't', type: 'audience_trigger', config: { segmentId: 'dormant', everyMinutes: 60 } },
      { id: 'offer', type: 'coupon_offer', config: { offers: [{ name: 'twenty_off', poolId }] } },
      { id: 'mail', type: 'send', config: { channel: 'email', templateId } },
      { id: 'x', type: 'exit', config: { outcome: 'done' } },
    ],
    edges: [
      { source: 't', target: 'offer' },
      { source: 'offer', outcome: 'assigned', target: 'mail' },
      { source: 'offer', outcome: 'none', target: 'x' },
      { source: 'mail', target: 'x' },
    ],
  };
}

describe('references in use', () => {
  let bench: JourneyBench;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    bench = await createJourneyBench();
    app = createBenchApp(bench);
    for (const t of [gift, spare])
      expect((await request(app).post('/api/templates').send(t)).status).toBe(201);
    const segment = await request(app)
      .post('/api/segments')
      .send({ id: 'dormant', name: 'Dormant buyers', definition: dormant });
    expect(segment.status).toBe(201);
    const pool = await request(app)
      .post('/api/coupon-pools')
      .send({ id: 'wb20', name: '20 off', valueCents: 2000, currency: 'CNY' });
    expect(pool.status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await bench?.close();
  });

  async function journeyWithDraft(name: string, graph: unknown): Promise<string> {
    const created = await request(app).post('/api/journeys').send({ name });
    expect(created.status).toBe(201);
    const saved = await request(app)
      .put(`/api/journeys/${created.body.id}/draft`)
      .send({ graph, settings: {}, revision: created.body.draft.revision });
    expect(saved.status).toBe(200);
    return created.body.id as string;
  }

  /** The refusal, parsed with the one error schema of packages/contracts. */
  async function refusedDelete(path: string) {
    const res = await request(app).delete(path);
    expect(res.status).toBe(409);
    const body = errorBodySchema.parse(res.body);
    expect(body.error.code).toBe('in_use');
    return body.error;
  }

  it('refuses to delete what a live version and a draft use, naming the journeys', async () => {
    const liveId = await journeyWithDraft('Win back', winBack('gift'));
    const published = await request(app).post(`/api/journeys/${liveId}/publish`).send({});
    expect(published.status).toBe(201);
    const draftId = await journeyWithDraft('Second wave', winBack('gift'));

    const template = await refusedDelete('/api/templates/gift');
    expect(template.message).toBe(
      'The template “Return gift” is used by “Second wave” (the draft), “Win back” (version 1 and the draft); change those journeys first',
    );
    expect(template.usedBy).toEqual([
      { journeyId: draftId, journeyName: 'Second wave', draft: true, versions: [] },
      { journeyId: liveId, journeyName: 'Win back', draft: true, versions: [1] },
    ]);
    const segment = await refusedDelete('/api/segments/dormant');
    expect(segment.message).toMatch(/^The segment “Dormant buyers” is used by “Second wave”/);
    expect(segment.usedBy?.map((u) => u.journeyName)).toEqual(['Second wave', 'Win back']);
    // Still there.
    expect((await request(app).get('/api/templates/gift')).status).toBe(200);
    expect((await request(app).get('/api/segments/dormant')).status).toBe(200);

    // Archived drafts no longer count; the live version still does.
    await bench.database.db.update(journeys).set({ status: 'archived' }).where(eq(journeys.id, draftId));
    expect((await refusedDelete('/api/templates/gift')).usedBy).toEqual([
      { journeyId: liveId, journeyName: 'Win back', draft: true, versions: [1] },
    ]);
    // An unused template deletes as before.
    expect((await request(app).delete('/api/templates/spare')).status).toBe(204);
  });

  it('counts an older version while runs of it are in flight, and a half-filled draft step', async () => {
    const id = await journeyWithDraft('Old wave', winBack('gift'));
    expect((await request(app).post(`/api/journeys/${id}/publish`).send({})).status).toBe(201);
    const retired = { id: 'retired', channel: 'email', name: 'Retired', subject: 'R', body: 'R' };
    expect((await request(app).post('/api/templates').send(retired)).status).toBe(201);
    // Version 1 sends “gift”; version 2 no longer does, but a customer is still on version 1.
    const v2 = winBack('retired');
    const saved = await request(app).get(`/api/journeys/${id}`);
    await request(app)
      .put(`/api/journeys/${id}/draft`)
      .send({ graph: v2, settings: {}, revision: saved.body.draft.revision });
    expect((await request(app).post(`/api/journeys/${id}/publish`).send({})).status).toBe(201);
    const [customer] = await bench.database.db
      .insert(customers)
      .values({ workspaceId: 'test', externalId: 'in-flight' })
      .returning({ id: customers.id });
    await bench.database.db.insert(runs).values({
      workspaceId: 'test',
      workflowId: 'old-wave-run',
      journeyId: id,
      version: 1,
      customerId: customer!.id,
      entry: 1,
      startedAt: new Date(),
    });
    const use = (await refusedDelete('/api/templates/gift')).usedBy?.find((u) => u.journeyId === id);
    expect(use).toEqual({ journeyId: id, journeyName: 'Old wave', draft: false, versions: [1] });
    await bench.database.db
      .update(runs)
      .set({ status: 'completed' })
      .where(eq(runs.workflowId, 'old-wave-run'));
    const after = (await refusedDelete('/api/templates/gift')).usedBy?.find((u) => u.journeyId === id);
    expect(after).toBeUndefined();

    // A draft step whose config does not parse yet still holds the template it names.
    const half = winBack('retired');
    half.nodes[2] = { id: 'mail', type: 'send', config: { channel: 'pigeon', templateId: 'spare2' } };
    const spare2 = { id: 'spare2', channel: 'email', name: 'Spare two', subject: 'S', body: 'S' };
    expect((await request(app).post('/api/templates').send(spare2)).status).toBe(201);
    const halfId = await journeyWithDraft('Half typed', half);
    expect((await refusedDelete('/api/templates/spare2')).usedBy).toEqual([
      { journeyId: halfId, journeyName: 'Half typed', draft: true, versions: [] },
    ]);
  });

  it('refuses to delete the only provider of a channel journeys send on, not one another provider replaces', async () => {
    const smtp = (id: string) => ({
      id,
      channel: 'email',
      kind: 'smtp',
      settings: { host: 'smtp.example.com', fromAddress: 'hello@shop.example' },
    });
    expect((await request(app).post('/api/providers').send(smtp('mailer'))).status).toBe(201);
    expect((await request(app).post('/api/providers').send(smtp('backup'))).status).toBe(201);
    expect((await request(app).delete('/api/providers/backup')).status).toBe(204);
    const refused = await refusedDelete('/api/providers/mailer');
    expect(refused.message).toMatch(/^The provider “mailer”, the only one for email, is used by /);
    expect(refused.usedBy?.map((u) => u.journeyName)).toContain('Win back');
  });

  it('publish refuses a step whose template, segment or coupon pool does not exist', async () => {
    const id = await journeyWithDraft('Broken', {
      ...winBack('nowhere', 'no-pool'),
      nodes: winBack('nowhere', 'no-pool').nodes.map((n) =>
        n.id === 't' ? { ...n, config: { segmentId: 'no-segment', everyMinutes: 60 } } : n,
      ),
    });
    const res = await request(app).post(`/api/journeys/${id}/publish`).send({});
    expect(res.status).toBe(422);
    const codes = (res.body.error.problems as { code: string; message: string }[]).map((p) => [
      p.code,
      p.message,
    ]);
    expect(codes).toEqual(
      expect.arrayContaining([
        ['unknown_template', 'Template “nowhere” does not exist'],
        ['unknown_segment', 'Segment “no-segment” does not exist'],
        ['unknown_coupon_pool', 'Coupon pool “no-pool” does not exist'],
      ]),
    );
  });
});
