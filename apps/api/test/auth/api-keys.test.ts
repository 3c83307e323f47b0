/**
 * API keys: scoped, shown once, stored hashed, revocable, last use recorded; keys never widen their creator's
 * access; ingest is rate limited per key.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { apiKeys } from '@wakeflow/db';
import { hashToken } from '@wakeflow/auth';
import { createHarness, type Harness, type Session } from './harness';

const event = (id: string) => ({
  eventId: id,
  customerExternalId: 'c-1',
  name: 'login',
  occurredAt: '2026-01-01T00:00:00Z',
});

describe('API keys', () => {
  let h: Harness;
  let engineer: Session;

  beforeAll(async () => {
    h = await createHarness({
      auth: {
        limits: {
          signInFailures: 100,
          signInFailuresPerAccount: 100,
          signInPerIp: 1_000,
          signInWindowMs: 60_000,
          ingestPerMinute: 5,
        },
      },
    });
    engineer = await h.person('a', ['engineer']);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('shows a new key once and keeps only its hash', async () => {
    const created = await h
      .as(engineer, 'POST', '/api/api-keys')
      .send({ name: 'Shop events', scope: 'ingest' });
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const key: string = created.body.key;
    expect(key).toMatch(/^wfk_[\w-]{40,}$/);
    expect(created.body.apiKey).toMatchObject({
      name: 'Shop events',
      scope: 'ingest',
      prefix: key.slice(0, 12),
      lastUsedAt: null,
      revokedAt: null,
    });
    const listed = await h.as(engineer, 'GET', '/api/api-keys');
    expect(JSON.stringify(listed.body)).not.toContain(key);
    const [row] = await h.database.db.select().from(apiKeys).where(eq(apiKeys.id, created.body.apiKey.id));
    expect(row!.keyHash).toBe(hashToken(key));
    expect(JSON.stringify(row)).not.toContain(key);
  });

  it('records last use, and stops working the moment it is revoked', async () => {
    const { body } = await h
      .as(engineer, 'POST', '/api/api-keys')
      .send({ name: 'CRM sync', scope: 'ingest' });
    const auth = { Authorization: `Bearer ${body.key as string}` };
    expect((await request(h.app).post('/api/events').set(auth).send(event('k-1'))).status).toBe(202);
    const used = (await h.as(engineer, 'GET', '/api/api-keys')).body.apiKeys.find(
      (k: { id: string }) => k.id === body.apiKey.id,
    );
    expect(used.lastUsedAt).toEqual(expect.any(String));

    expect((await h.as(engineer, 'DELETE', `/api/api-keys/${body.apiKey.id}`)).status).toBe(204);
    const refused = await request(h.app).post('/api/events').set(auth).send(event('k-2'));
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('invalid_api_key');
    const revoked = (await h.as(engineer, 'GET', '/api/api-keys')).body.apiKeys.find(
      (k: { id: string }) => k.id === body.apiKey.id,
    );
    expect(revoked.revokedBy).toBe(`user:${engineer.userId}`);
    const audit = await (async () => {
      const admin = await h.person('a', ['admin']);
      return (await h.as(admin, 'GET', '/api/audit').query({ entityId: body.apiKey.id })).body.entries.map(
        (e: { action: string }) => e.action,
      );
    })();
    expect(audit).toEqual(['api_key.revoked', 'api_key.created']);
  });

  it('never widens access: no key beyond your own permissions, keys cannot mint keys, others cannot manage them', async () => {
    const tooMuch = await h
      .as(engineer, 'POST', '/api/api-keys')
      .send({ name: 'Everything', scope: 'admin' });
    expect(tooMuch.status).toBe(403);
    expect(tooMuch.body.error.code).toBe('scope_exceeds_yours');
    const admin = await h.apiKey('a', 'admin');
    expect(
      (
        await request(h.app)
          .post('/api/api-keys')
          .set('Authorization', `Bearer ${admin}`)
          .send({ name: 'x', scope: 'ingest' })
      ).status,
    ).toBe(403);
    const reviewer = await h.person('a', ['reviewer']);
    expect((await h.as(reviewer, 'GET', '/api/api-keys')).status).toBe(403);
    expect(
      (
        await request(h.app)
          .get('/api/journeys')
          .set('Authorization', 'Bearer wfk_made-up-key-that-is-long-enough')
      ).status,
    ).toBe(401);
  });

  it('rate limits ingest per key', async () => {
    const key = await h.apiKey('a', 'ingest');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push(
        (
          await request(h.app)
            .post('/api/events')
            .set('Authorization', `Bearer ${key}`)
            .send(event(`rl-${i}`))
        ).status,
      );
    expect(statuses.slice(0, 5).every((s) => s === 202)).toBe(true);
    expect(statuses.slice(5)).toEqual([429, 429]);
    // Another key has its own budget.
    const other = await h.apiKey('a', 'ingest');
    expect(
      (
        await request(h.app)
          .post('/api/events')
          .set('Authorization', `Bearer ${other}`)
          .send(event('rl-other'))
      ).status,
    ).toBe(202);
  });
});
