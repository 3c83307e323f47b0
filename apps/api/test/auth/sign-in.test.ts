/**
 * People and sign-in on a real database: password sign-in with a server-side session in a secure cookie, session
 * fixation and CSRF refused, brute force slowed, sign-out, password change and reset by emailed link, and the
 * explicit local mode.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { outbox, sessions, users } from '@wakeflow/db';
import { hashToken } from '@wakeflow/auth';
import { checkAuthStartup } from '../../src/http/auth-config';
import { createHarness, PASSWORD, sessionCookie, type Harness } from './harness';

describe('sign-in', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await createHarness({
      auth: {
        limits: {
          signInFailures: 3,
          signInFailuresPerAccount: 6,
          signInPerIp: 1_000,
          signInWindowMs: 60_000,
          ingestPerMinute: 1_000,
        },
      },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('signs in with a password into a server-side session held in an HTTP-only SameSite cookie', async () => {
    await h.person('a', ['campaign_manager'], 'ada@example.com');
    const res = await request(h.app)
      .post('/api/auth/sign-in')
      .send({ email: ' ADA@example.com ', password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      kind: 'user',
      user: { email: 'ada@example.com' },
      workspaceId: 'a',
      roles: ['campaign_manager'],
    });
    expect(res.body.csrfToken).toMatch(/^[\w-]{40,}$/);
    const raw = (res.headers['set-cookie'] as unknown as string[]).find((c) =>
      c.startsWith('wakeflow_session='),
    )!;
    expect(raw).toMatch(/HttpOnly/);
    expect(raw).toMatch(/SameSite=Lax/);
    expect(raw).toMatch(/Path=\//);
    const token = sessionCookie(raw).split('=')[1]!;
    // Only the hash is stored.
    const [row] = await h.database.db
      .select()
      .from(sessions)
      .where(eq(sessions.idHash, hashToken(token)));
    expect(row).toBeDefined();
    expect(JSON.stringify(await h.database.db.select().from(sessions))).not.toContain(token);
    const me = await request(h.app).get('/api/auth/me').set('Cookie', sessionCookie(raw));
    expect(me.body).toMatchObject({ kind: 'user', workspaceId: 'a' });
  });

  it('stores passwords as argon2id hashes', async () => {
    const [row] = await h.database.db.select().from(users).where(eq(users.email, 'ada@example.com'));
    expect(row!.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it('answers an unknown account and a wrong password the same way', async () => {
    const unknown = await request(h.app)
      .post('/api/auth/sign-in')
      .send({ email: 'nobody@example.com', password: 'whatever-it-is' });
    const wrong = await request(h.app)
      .post('/api/auth/sign-in')
      .send({ email: 'ada@example.com', password: 'not the password' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
  });

  it('requires sign-in for everything but public routes', async () => {
    expect((await request(h.app).get('/api/journeys')).status).toBe(401);
    expect((await request(h.app).get('/api/auth/config')).status).toBe(200);
    expect((await request(h.app).get('/api/journeys').set('Cookie', 'wakeflow_session=forged')).status).toBe(
      401,
    );
  });

  it('refuses session fixation: a session id planted before sign-in is replaced and dead', async () => {
    const victim = await h.person('a', ['reviewer'], 'victim@example.com');
    // The attacker plants their own valid session id in the victim's browser…
    const attacker = await h.person('a', ['reviewer'], 'attacker@example.com');
    const res = await request(h.app)
      .post('/api/auth/sign-in')
      .set('Cookie', attacker.cookie)
      .send({ email: 'victim@example.com', password: PASSWORD });
    expect(res.status).toBe(200);
    const issued = sessionCookie(res.headers['set-cookie']);
    expect(issued).not.toBe(attacker.cookie);
    // …and after the victim signs in, that id is not the victim's session (it is no session at all).
    expect((await request(h.app).get('/api/auth/me').set('Cookie', attacker.cookie)).status).toBe(401);
    expect((await request(h.app).get('/api/auth/me').set('Cookie', issued)).body.user.email).toBe(
      'victim@example.com',
    );
    // A made-up id is ignored and replaced too.
    const planted = await request(h.app)
      .post('/api/auth/sign-in')
      .set('Cookie', 'wakeflow_session=chosen-by-attacker')
      .send({ email: 'victim@example.com', password: PASSWORD });
    expect(sessionCookie(planted.headers['set-cookie'])).not.toContain('chosen-by-attacker');
    expect(victim.userId).toBeTruthy();
  });

  it('refuses unsafe cookie requests without the CSRF token or from a foreign origin', async () => {
    const s = await h.person('a', ['campaign_manager']);
    const noToken = await request(h.app).post('/api/journeys').set('Cookie', s.cookie).send({ name: 'x' });
    expect(noToken.status).toBe(403);
    expect(noToken.body.error.code).toBe('csrf_token_invalid');
    const wrongToken = await request(h.app)
      .post('/api/journeys')
      .set('Cookie', s.cookie)
      .set('x-csrf-token', 'guess')
      .send({ name: 'x' });
    expect(wrongToken.body.error.code).toBe('csrf_token_invalid');
    const foreign = await h
      .as(s, 'POST', '/api/journeys')
      .set('Origin', 'https://evil.example')
      .send({ name: 'x' });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('origin_not_allowed');
    const loginCsrf = await request(h.app)
      .post('/api/auth/sign-in')
      .set('Origin', 'https://evil.example')
      .send({ email: 'ada@example.com', password: PASSWORD });
    expect(loginCsrf.status).toBe(403);
    const ok = await h
      .as(s, 'POST', '/api/journeys')
      .set('Origin', 'http://localhost:5173')
      .send({ name: 'x' });
    expect(ok.status).toBe(201);
    // Reads need no token.
    expect((await request(h.app).get('/api/journeys').set('Cookie', s.cookie)).status).toBe(200);
  });

  it('slows brute force: after a few failures the account answers 429 even to the right password', async () => {
    await h.person('a', ['reviewer'], 'target@example.com');
    for (let i = 0; i < 3; i++) {
      expect(
        (
          await request(h.app)
            .post('/api/auth/sign-in')
            .send({ email: 'target@example.com', password: `guess-number-${i}` })
        ).status,
      ).toBe(401);
    }
    const blocked = await request(h.app)
      .post('/api/auth/sign-in')
      .send({ email: 'target@example.com', password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('rate_limited');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Other accounts are not locked by it.
    expect(
      (await request(h.app).post('/api/auth/sign-in').send({ email: 'ada@example.com', password: PASSWORD }))
        .status,
    ).toBe(200);
  });

  it('signs out: the session row is gone and the cookie no longer works', async () => {
    const s = await h.person('a', ['reviewer']);
    const out = await h.as(s, 'POST', '/api/auth/sign-out');
    expect(out.status).toBe(204);
    expect((await request(h.app).get('/api/auth/me').set('Cookie', s.cookie)).status).toBe(401);
  });

  it('moves a person between their own workspaces with a fresh session, and nowhere else', async () => {
    const s = await h.person('a', ['reviewer'], 'two-homes@example.com');
    const [user] = await h.database.db.select().from(users).where(eq(users.email, 'two-homes@example.com'));
    const { setMembership } = await import('@wakeflow/auth');
    await setMembership(h.database.db, 'b', user!.id, ['campaign_manager']);
    expect((await h.as(s, 'POST', '/api/auth/workspace').send({ workspaceId: 'nowhere' })).status).toBe(404);
    const moved = await h.as(s, 'POST', '/api/auth/workspace').send({ workspaceId: 'b' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ workspaceId: 'b', roles: ['campaign_manager'] });
    const next = sessionCookie(moved.headers['set-cookie']);
    expect(next).not.toBe(s.cookie);
    expect((await request(h.app).get('/api/auth/me').set('Cookie', s.cookie)).status).toBe(401);
    expect((await request(h.app).get('/api/auth/me').set('Cookie', next)).body.workspaceId).toBe('b');
  });

  it('changes a password, signing out other browsers but not this one', async () => {
    const first = await h.person('a', ['reviewer'], 'changer@example.com');
    const second = await h.signIn('changer@example.com');
    const changed = await h
      .as(first, 'POST', '/api/auth/password')
      .send({ currentPassword: PASSWORD, newPassword: 'a brand new passphrase' });
    expect(changed.status).toBe(204);
    expect((await request(h.app).get('/api/auth/me').set('Cookie', first.cookie)).status).toBe(200);
    expect((await request(h.app).get('/api/auth/me').set('Cookie', second.cookie)).status).toBe(401);
    expect(
      (
        await request(h.app)
          .post('/api/auth/sign-in')
          .send({ email: 'changer@example.com', password: 'a brand new passphrase' })
      ).status,
    ).toBe(200);
  });
});

describe('password reset through the email channel', () => {
  let h: Harness;
  beforeAll(async () => {
    // No email provider is configured, so the channel's development provider records the mail in the outbox.
    h = await createHarness({ channelMailer: true });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('emails a one-time link; the link sets a new password once and ends existing sessions', async () => {
    const before = await h.person('a', ['engineer'], 'forgetful@example.com');
    const asked = await request(h.app)
      .post('/api/auth/password-reset')
      .send({ email: 'forgetful@example.com' });
    expect(asked.status).toBe(202);
    const unknown = await request(h.app)
      .post('/api/auth/password-reset')
      .send({ email: 'nobody@example.com' });
    expect(unknown.status).toBe(202);
    expect(unknown.body).toEqual(asked.body);
    // The mail goes out after the answer. With no email provider the outbox keeps it without its body, and the
    // link is in the server log for the operator (takeover.test.ts checks that no reader can get it).
    const mails = async () =>
      h.database.db.select().from(outbox).where(eq(outbox.recipient, 'forgetful@example.com'));
    await expect.poll(async () => (await mails()).length).toBe(1);
    expect((await mails())[0]!.subject).toMatch(/Reset your Wakeflow password/);
    const line = h.serverLog.find((l) => l.includes('forgetful@example.com'))!;
    const token = decodeURIComponent(/#token=([^\s"<]+)/.exec(line)![1]!);

    expect(
      (await request(h.app).post('/api/auth/password-reset/confirm').send({ token, password: 'short' }))
        .status,
    ).toBe(400);
    const done = await request(h.app)
      .post('/api/auth/password-reset/confirm')
      .send({ token, password: 'my new long passphrase' });
    expect(done.status).toBe(200);
    const again = await request(h.app)
      .post('/api/auth/password-reset/confirm')
      .send({ token, password: 'another long passphrase' });
    expect(again.body.error.code).toBe('invalid_token');
    expect((await request(h.app).get('/api/auth/me').set('Cookie', before.cookie)).status).toBe(401);
    expect(
      (
        await request(h.app)
          .post('/api/auth/sign-in')
          .send({ email: 'forgetful@example.com', password: PASSWORD })
      ).status,
    ).toBe(401);
    expect(
      (
        await request(h.app)
          .post('/api/auth/sign-in')
          .send({ email: 'forgetful@example.com', password: 'my new long passphrase' })
      ).status,
    ).toBe(200);
  });
});

describe('local mode', () => {
  it('is explicit, and refuses a public bind address unless an admin password is set', () => {
    const key = { WAKEFLOW_SECRET_KEY: 'a long enough passphrase' };
    expect(checkAuthStartup(key, '0.0.0.0')).toEqual({ mode: 'required', admin: null });
    expect(checkAuthStartup({ WAKEFLOW_AUTH: 'local' }, '127.0.0.1').mode).toBe('local');
    expect(checkAuthStartup({ WAKEFLOW_AUTH: 'local' }, 'localhost').mode).toBe('local');
    expect(() => checkAuthStartup({ WAKEFLOW_AUTH: 'local' }, '0.0.0.0')).toThrow(/WAKEFLOW_ADMIN_PASSWORD/);
    expect(() => checkAuthStartup({ WAKEFLOW_AUTH: 'local' }, '10.1.2.3')).toThrow(/loopback/);
    expect(
      checkAuthStartup(
        { ...key, WAKEFLOW_AUTH: 'local', WAKEFLOW_ADMIN_PASSWORD: 'a long admin password' },
        '0.0.0.0',
      ),
    ).toEqual({
      mode: 'required',
      admin: { email: 'admin@localhost', password: 'a long admin password' },
    });
    expect(() => checkAuthStartup({ WAKEFLOW_AUTH: 'open' }, '127.0.0.1')).toThrow(/WAKEFLOW_AUTH/);
  });

  it('makes every request an admin of the default workspace, and still refuses foreign origins', async () => {
    const h = await createHarness({ auth: { mode: 'local' } });
    try {
      const me = await request(h.app).get('/api/auth/me');
      expect(me.body).toMatchObject({ kind: 'local', workspaceId: 'a' });
      expect((await request(h.app).post('/api/journeys').send({ name: 'demo' })).status).toBe(201);
      expect(
        (
          await request(h.app)
            .post('/api/journeys')
            .set('Origin', 'https://evil.example')
            .send({ name: 'demo' })
        ).status,
      ).toBe(403);
    } finally {
      await h.close();
    }
  });
});
