/**
 * Operating a journey needs `journeys.operate`: a reviewer is refused (403) and the journey stays as it was; a
 * campaign manager pauses it, and the audit log says who did.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { journeys } from '@wakeflow/db';
import { createHarness, type Harness, type Session } from './harness';

const graph = {
  nodes: [
    { id: 't', type: 'api_trigger', config: {} },
    { id: 'x', type: 'exit', config: { outcome: 'done' } },
  ],
  edges: [{ source: 't', target: 'x' }],
};

describe('journey lifecycle by role', () => {
  let h: Harness;
  let admin: Session;
  let manager: Session;
  let reviewer: Session;

  beforeAll(async () => {
    h = await createHarness();
    admin = await h.person('a', ['admin']);
    manager = await h.person('a', ['campaign_manager']);
    reviewer = await h.person('a', ['reviewer']);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refuses a reviewer, lets a campaign manager pause, and audits who did', async () => {
    const created = await h.as(manager, 'POST', '/api/journeys').send({ name: 'Operated', graph });
    const id = created.body.id as string;
    expect((await h.as(manager, 'POST', `/api/journeys/${id}/publish`).send({})).status).toBe(201);

    const refused = await h.as(reviewer, 'POST', `/api/journeys/${id}/lifecycle`).send({ action: 'pause' });
    expect([refused.status, refused.body.error?.code]).toEqual([403, 'forbidden']);
    const status = async () =>
      (await h.database.db.select({ status: journeys.status }).from(journeys).where(eq(journeys.id, id)))[0]
        ?.status;
    expect(await status()).toBe('live');

    const paused = await h.as(manager, 'POST', `/api/journeys/${id}/lifecycle`).send({ action: 'pause' });
    expect(paused.status).toBe(200);
    expect(await status()).toBe('paused');
    const audit = await h.as(admin, 'GET', '/api/audit').query({ action: 'journey.paused' });
    expect(audit.body.entries).toEqual([
      expect.objectContaining({
        action: 'journey.paused',
        entityId: id,
        before: { status: 'live' },
        after: { status: 'paused', runsSignalled: 0 },
      }),
    ]);
  });
});
