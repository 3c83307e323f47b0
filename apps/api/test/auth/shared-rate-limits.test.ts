/**
 * Rate limits hold across API processes: two APIs over one database (as two processes behind a load balancer) count
 * into the same PostgreSQL rows, so failed sign-ins or ingest requests split between them meet the limit at the same
 * total as when they all reach one. With counters in process memory each API would allow the full limit.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { like } from 'drizzle-orm';
import { rateLimitCounters } from '@wakeflow/db';
import { createHarness, PASSWORD, type Harness } from './harness';

const SIGN_IN_FAILURES = 4;
const INGEST_PER_MINUTE = 6;

describe('rate limits shared by several API processes', () => {
  let h: Harness;
  let apis: ReturnType<Harness['anotherApp']>[];

  beforeAll(async () => {
    h = await createHarness({
      auth: {
        limits: {
          signInFailures: SIGN_IN_FAILURES,
          signInFailuresPerAccount: 100,
          signInPerIp: 1_000,
          signInWindowMs: 60_000,
          ingestPerMinute: INGEST_PER_MINUTE,
        },
      },
    });
    apis = [h.app, h.anotherApp()];
  });
  afterAll(async () => {
    await h?.close();
  });

  it('counts failed sign-ins made through either API together', async () => {
    await h.person('a', ['reviewer'], 'split@example.com');
    const statuses: number[] = [];
    for (let i = 0; i < SIGN_IN_FAILURES + 2; i++) {
      const res = await request(apis[i % 2]!)
        .post('/api/auth/sign-in')
        .send({ email: 'split@example.com', password: `guess-${i}` });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([
      ...Array.from({ length: SIGN_IN_FAILURES }, () => 401),
      ...Array.from({ length: 2 }, () => 429),
    ]);
    // The right password is refused by both APIs until the window ends.
    for (const api of apis)
      expect(
        (
          await request(api)
            .post('/api/auth/sign-in')
            .send({ email: 'split@example.com', password: PASSWORD })
        ).status,
      ).toBe(429);
    // The count is in the database, under the sign-in route's own prefix.
    const [row] = await h.database.db
      .select()
      .from(rateLimitCounters)
      .where(like(rateLimitCounters.key, 'sign-in:ip-account/%split@example.com'));
    expect(row?.hits).toBeGreaterThanOrEqual(SIGN_IN_FAILURES);
  });

  it('does not count successful sign-ins on either API: each takes its hit back', async () => {
    await h.person('a', ['reviewer'], 'good@example.com');
    for (let i = 0; i < SIGN_IN_FAILURES * 2; i++) {
      const res = await request(apis[i % 2]!)
        .post('/api/auth/sign-in')
        .send({ email: 'good@example.com', password: PASSWORD });
      expect(res.status).toBe(200);
    }
  });

  it('counts ingest requests of one key through either API together', async () => {
    const key = await h.apiKey('a', 'ingest');
    const statuses: number[] = [];
    for (let i = 0; i < INGEST_PER_MINUTE + 2; i++) {
      const res = await request(apis[i % 2]!)
        .post('/api/events')
        .set('Authorization', `Bearer ${key}`)
        .send({
          eventId: `shared-${i}`,
          customerExternalId: 'c-1',
          name: 'login',
          occurredAt: '2026-01-01T00:00:00Z',
        });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, INGEST_PER_MINUTE).every((s) => s === 202)).toBe(true);
    expect(statuses.slice(INGEST_PER_MINUTE)).toEqual([429, 429]);
  });
});
