/**
 * Hardening: security headers, request size limits, no stack traces in answers, no secrets in log lines, provider
 * secrets encrypted at rest, people management that cannot lock a workspace out.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { providers } from '@wakeflow/db';
import { logRedaction } from '../../src/http/logging';
import { createHarness, type Harness, type Session } from './harness';

describe('hardening', () => {
  let h: Harness;
  let admin: Session;

  beforeAll(async () => {
    h = await createHarness();
    admin = await h.person('a', ['admin']);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('sends security headers and no framework banner', async () => {
    const res = await request(h.app).get('/api/auth/config');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    // Nothing frames the app (CSP frame-ancestors 'none'; http-hardening.test.ts checks the CSP).
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['strict-transport-security']).toMatch(/max-age/);
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('limits request bodies: 1 MB in general, 20 MB for ingest batches', async () => {
    const manager = await h.person('a', ['campaign_manager']);
    const big = { name: 'x', description: 'y'.repeat(1_100_000) };
    const refused = await h.as(manager, 'POST', '/api/journeys').send(big);
    expect(refused.status).toBe(413);
    expect(refused.body.error.code).toBe('body_too_large');
    const key = await h.apiKey('a', 'ingest');
    const events = Array.from({ length: 3_000 }, (_, i) => ({
      eventId: `big-${i}`,
      customerExternalId: 'c',
      name: 'login',
      occurredAt: '2026-01-01T00:00:00Z',
      properties: { pad: 'p'.repeat(300) },
    }));
    const batch = await request(h.app)
      .post('/api/events/batch')
      .set('Authorization', `Bearer ${key}`)
      .send({ events });
    expect(batch.status).toBe(202);
  });

  it('answers errors without stack traces or internals', async () => {
    const res = await request(h.app)
      .post('/api/auth/sign-in')
      .set('content-type', 'application/json')
      .send('{"email": ');
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+|node_modules/);
  });

  it('keeps credentials out of log lines', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = pino({ redact: logRedaction }, sink);
    log.info({
      req: { headers: { authorization: 'Bearer wfk_secret-key', cookie: 'wakeflow_session=secret-session' } },
      body: { email: 'a@example.com', password: 'secret-password', newPassword: 'secret-new' },
      provider: { secrets: { apiKey: 'secret-provider-key' } },
    });
    const out = lines.join('');
    expect(out).toContain('a@example.com');
    expect(out).not.toMatch(/secret-(key|session|password|new|provider-key)/);
    expect(out).toContain('[redacted]');
  });

  it('encrypts provider secrets at rest and never returns them', async () => {
    const engineer = await h.person('a', ['engineer']);
    const created = await h.as(engineer, 'POST', '/api/providers').send({
      id: 'smtp-main',
      channel: 'email',
      kind: 'smtp',
      settings: { host: 'smtp.example.com', fromAddress: 'shop@example.com', user: 'shop' },
      secrets: { password: 'hunter2-provider-password' },
    });
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.body)).not.toContain('hunter2');
    const [row] = await h.database.db
      .select()
      .from(providers)
      .where(and(eq(providers.workspaceId, 'a'), eq(providers.id, 'smtp-main')));
    expect(row!.secretsEncrypted).toMatch(/^v1:/);
    expect(JSON.stringify(row)).not.toContain('hunter2');
  });

  it('manages people, and never removes or demotes the last admin', async () => {
    const invited = await h.as(admin, 'POST', '/api/people').send({
      email: 'New.Person@Example.com',
      name: 'New',
      roles: ['campaign_manager'],
    });
    expect(invited.status).toBe(201);
    expect(invited.body.invitation).toMatchObject({
      email: 'new.person@example.com',
      roles: ['campaign_manager'],
    });
    const pending = await h.as(admin, 'GET', '/api/people');
    expect(pending.body.invitations.map((i: { email: string }) => i.email)).toContain(
      'new.person@example.com',
    );
    const accepted = await request(h.app)
      .post('/api/auth/invitations/accept')
      .send({ token: h.tokenSentTo('new.person@example.com'), password: 'a long first password' });
    expect(accepted.status).toBe(200);
    const added = {
      body: {
        person: (await h.as(admin, 'GET', '/api/people')).body.people.find(
          (p: { email: string }) => p.email === 'new.person@example.com',
        ),
      },
    };
    expect(added.body.person).toMatchObject({
      email: 'new.person@example.com',
      roles: ['campaign_manager'],
      signIn: { password: true, oidc: false },
    });
    expect(
      (
        await h
          .as(admin, 'POST', '/api/people')
          .send({ email: 'new.person@example.com', roles: ['reviewer'] })
      ).status,
    ).toBe(409);
    const session = await h.signIn('new.person@example.com', 'a long first password');
    const changed = await h
      .as(admin, 'PATCH', `/api/people/${added.body.person.userId}`)
      .send({ roles: ['reviewer'] });
    expect(changed.body.person.roles).toEqual(['reviewer']);
    // The new role applies to the open session at once.
    expect((await h.as(session, 'POST', '/api/journeys').send({ name: 'x' })).status).toBe(403);
    expect(
      (await h.as(admin, 'PATCH', `/api/people/${admin.userId}`).send({ roles: ['reviewer'] })).body.error
        .code,
    ).toBe('last_admin');
    expect((await h.as(admin, 'DELETE', `/api/people/${admin.userId}`)).body.error.code).toBe('last_admin');
    expect((await h.as(admin, 'DELETE', `/api/people/${added.body.person.userId}`)).status).toBe(204);
    // Removed from the workspace: their session is gone.
    expect((await request(h.app).get('/api/auth/me').set('Cookie', session.cookie)).status).toBe(401);
    const people = await h.as(admin, 'GET', '/api/people');
    expect(people.body.people.map((p: { email: string }) => p.email)).not.toContain('new.person@example.com');
  });
});
