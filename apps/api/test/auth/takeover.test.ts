/**
 * The account takeovers and medium holes a security review found, each replayed as the attacker did it:
 * reset links read from the outbox by any reader; one workspace's admin choosing the password of a person who later
 * joins another workspace (and reading that person's reset mail through their own channel); self-approval with
 * one's own API key; a published development key whenever sign-in is required; reset answers whose timing tells
 * accounts apart. Plus the audit and rate-limit hardening around sign-in.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, memberships, outbox, users } from '@wakeflow/db';
import { loadSecretKeys } from '@wakeflow/channels';
import { startSmtpServer, type TestSmtpServer } from '../../../../packages/channels/test/helpers';
import { checkAuthStartup } from '../../src/http/auth-config';
import { channelAuthMailer } from '../../src/routes/auth/auth-mailer';
import { createHarness, PASSWORD, sessionCookie, type Harness, type Session } from './harness';

const tokenIn = (text: string, kind: 'token') => {
  const match = new RegExp(`#${kind}=([A-Za-z0-9_%-]+)`).exec(text);
  return match ? decodeURIComponent(match[1]!) : null;
};

/** The newest link the server log holds for an address. */
function linkFor(h: Harness, email: string): string {
  const line = [...h.serverLog].reverse().find((l) => l.includes(` ${email} `));
  if (!line) throw new Error(`no link for ${email} in ${JSON.stringify(h.serverLog)}`);
  return tokenIn(line, 'token')!;
}

async function auditActions(h: Harness, workspaceId: string): Promise<string[]> {
  const rows = await h.database.db.select().from(auditLog).where(eq(auditLog.workspaceId, workspaceId));
  return rows.map((r) => r.action);
}

describe('reset links never reach a reader (finding 1)', () => {
  let h: Harness;
  beforeAll(async () => {
    // No email provider is configured: the default of a new installation.
    h = await createHarness({ channelMailer: true });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('keeps the outbox copy redacted, so reading it signs nobody in; the operator finds the link in the server log', async () => {
    const admin = await h.person('a', ['admin'], 'boss@example.com');
    const reviewer = await h.person('a', ['reviewer']);
    expect(
      (await request(h.app).post('/api/auth/password-reset').send({ email: 'boss@example.com' })).status,
    ).toBe(202);
    await expect.poll(() => h.serverLog.some((l) => l.includes('boss@example.com'))).toBe(true);

    const outboxAnswer = await h.as(reviewer, 'GET', '/api/outbox');
    expect(outboxAnswer.status).toBe(200);
    const recorded = outboxAnswer.body.messages.filter(
      (m: { recipient: string }) => m.recipient === 'boss@example.com',
    );
    expect(recorded).toHaveLength(1);
    const serialised = JSON.stringify(outboxAnswer.body);
    expect(serialised).not.toMatch(/#token=/);
    const [row] = await h.database.db.select().from(outbox).where(eq(outbox.recipient, 'boss@example.com'));
    expect(JSON.stringify(row)).not.toMatch(/token=/);

    // The operator's copy works, once.
    const token = linkFor(h, 'boss@example.com');
    const done = await request(h.app)
      .post('/api/auth/password-reset/confirm')
      .send({ token, password: 'the boss chose this one' });
    expect(done.status).toBe(200);
    expect((await request(h.app).get('/api/auth/me').set('Cookie', admin.cookie)).status).toBe(401);
  });
});

describe('people join by invitation only (finding 2)', () => {
  let h: Harness;
  let smtpA: TestSmtpServer;
  let adminA: Session;
  let adminB: Session;

  beforeAll(async () => {
    h = await createHarness({
      channelMailer: true,
      mailerEnv: { WAKEFLOW_ALLOWED_PRIVATE_HOSTS: '127.0.0.1' },
    });
    adminA = await h.person('a', ['admin', 'engineer'], 'admin-a@example.com');
    adminB = await h.person('b', ['admin'], 'admin-b@example.com');
    await h.database.db.update(users).set({ name: 'Bea Secret' }).where(eq(users.id, adminB.userId));
    // Workspace A's admin runs the SMTP server of A's email channel: everything A's channel sends, A reads.
    smtpA = await startSmtpServer();
    const provider = await h.as(adminA, 'POST', '/api/providers').send({
      id: 'a-smtp',
      kind: 'smtp',
      channel: 'email',
      settings: { host: '127.0.0.1', port: smtpA.port, fromAddress: 'a@example.com' },
    });
    expect(provider.status).toBe(201);
  });
  afterAll(async () => {
    await smtpA?.close();
    await h?.close();
  });

  it('refuses a password chosen by an admin, naming the field', async () => {
    const res = await h.as(adminA, 'POST', '/api/people').send({
      email: 'victim@corp.example',
      roles: ['campaign_manager'],
      password: 'chosen by the admin of A',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0].path).toBe('body.password');
    expect(await h.database.db.select().from(users).where(eq(users.email, 'victim@corp.example'))).toEqual(
      [],
    );
  });

  it("answers the same for a stranger and for another workspace's person, revealing nothing about them", async () => {
    const known = await h
      .as(adminA, 'POST', '/api/people')
      .send({ email: 'admin-b@example.com', roles: ['reviewer'] });
    const stranger = await h
      .as(adminA, 'POST', '/api/people')
      .send({ email: 'nobody@example.com', roles: ['reviewer'] });
    expect(known.status).toBe(201);
    expect(stranger.status).toBe(201);
    const shape = (b: Record<string, unknown>) => Object.keys(b).sort();
    expect(shape(known.body)).toEqual(shape(stranger.body));
    expect(JSON.stringify(known.body)).not.toMatch(/signIn|userId|"person"|Bea Secret/);
    // No membership yet: an invitation is not a seat.
    const inA = await h.database.db.select().from(memberships).where(eq(memberships.workspaceId, 'a'));
    expect(inA.map((m) => m.userId)).not.toContain(adminB.userId);
  });

  it("does not let A's admin become B's admin through an account A's invitation created", async () => {
    // A invites the victim before B does, and reads the invitation at A's own SMTP server.
    expect(
      (await h.as(adminA, 'POST', '/api/people').send({ email: 'victim@corp.example', roles: ['reviewer'] }))
        .status,
    ).toBe(201);
    await expect
      .poll(() => smtpA.received.some((m) => m.envelopeTo.includes('victim@corp.example')))
      .toBe(true);
    const mailA = smtpA.received.find((m) => m.envelopeTo.includes('victim@corp.example'))!;
    const stolen = tokenIn(mailA.parsed.text ?? '', 'token')!;
    const squatted = await request(h.app)
      .post('/api/auth/invitations/accept')
      .send({ token: stolen, password: 'the squatter password' });
    expect(squatted.status).toBe(200);

    // B, unaware, invites the same address; B's invitation goes to the real person through B's channel (the log).
    const invited = await h
      .as(adminB, 'POST', '/api/people')
      .send({ email: 'victim@corp.example', roles: ['admin'] });
    expect(invited.status).toBe(201);
    const tokenB = linkFor(h, 'victim@corp.example');
    // Holding an account of that email is not enough without B's link, and B's link is not enough without the
    // account's password: the squatter never becomes a member of B.
    const withoutPassword = await request(h.app).post('/api/auth/invitations/accept').send({ token: tokenB });
    expect(withoutPassword.status).toBe(401);
    const session = sessionCookie(squatted.headers['set-cookie']);
    const switched = await request(h.app)
      .post('/api/auth/workspace')
      .set('Cookie', session)
      .set('x-csrf-token', squatted.body.csrfToken)
      .send({ workspaceId: 'b' });
    expect(switched.status).toBe(404);
    const [victim] = await h.database.db.select().from(users).where(eq(users.email, 'victim@corp.example'));
    expect(
      await h.database.db
        .select()
        .from(memberships)
        .where(and(eq(memberships.workspaceId, 'b'), eq(memberships.userId, victim!.id))),
    ).toEqual([]);
  });

  it('lets a new person choose their own password, and an existing one join with theirs', async () => {
    expect(
      (
        await h
          .as(adminB, 'POST', '/api/people')
          .send({ email: 'new@corp.example', name: 'New', roles: ['reviewer'] })
      ).status,
    ).toBe(201);
    const token = linkFor(h, 'new@corp.example');
    const lookup = await request(h.app).post('/api/auth/invitations/lookup').send({ token });
    expect(lookup.body).toMatchObject({
      email: 'new@corp.example',
      workspace: { id: 'b' },
      roles: ['reviewer'],
      accountExists: false,
    });
    expect(
      (await request(h.app).post('/api/auth/invitations/accept').send({ token, password: 'short' })).status,
    ).toBe(400);
    const joined = await request(h.app)
      .post('/api/auth/invitations/accept')
      .send({ token, password: 'my own long passphrase' });
    expect(joined.status).toBe(200);
    expect(joined.body).toMatchObject({ kind: 'user', workspaceId: 'b', roles: ['reviewer'] });
    // Once only.
    expect(
      (
        await request(h.app)
          .post('/api/auth/invitations/accept')
          .send({ token, password: 'my own long passphrase' })
      ).body.error.code,
    ).toBe('invalid_token');

    // An existing account (admin of A) joins B with its own password.
    await h.as(adminB, 'POST', '/api/people').send({ email: 'admin-a@example.com', roles: ['reviewer'] });
    const tokenForA = linkFor(h, 'admin-a@example.com');
    expect(
      (
        await request(h.app)
          .post('/api/auth/invitations/accept')
          .send({ token: tokenForA, password: 'wrong guess!!' })
      ).status,
    ).toBe(401);
    const accepted = await request(h.app)
      .post('/api/auth/invitations/accept')
      .send({ token: tokenForA, password: PASSWORD });
    expect(accepted.status).toBe(200);
    expect(accepted.body.workspaces.map((w: { workspaceId: string }) => w.workspaceId).sort()).toEqual([
      'a',
      'b',
    ]);
    expect(await auditActions(h, 'b')).toEqual(
      expect.arrayContaining(['person.invited', 'invitation.accepted']),
    );
  });

  it("never sends a person's reset link through one of their several workspaces' channels", async () => {
    // admin-a is now in A and B. A's admin asks for a reset of that account and watches A's SMTP server.
    const before = smtpA.received.length;
    expect(
      (await request(h.app).post('/api/auth/password-reset').send({ email: 'admin-a@example.com' })).status,
    ).toBe(202);
    await expect
      .poll(() => h.serverLog.filter((l) => l.includes('admin-a@example.com') && l.includes('reset')).length)
      .toBe(1);
    expect(smtpA.received.length).toBe(before);
    expect(
      await h.database.db.select().from(outbox).where(eq(outbox.recipient, 'admin-a@example.com')),
    ).toHaveLength(1); // the invitation to B (redacted), no reset
  });

  it('sends it through the installation mail when the operator configured one', async () => {
    const installation = await startSmtpServer();
    const log: string[] = [];
    const mailer = channelAuthMailer(
      h.database.db,
      {
        info: () => undefined,
        error: () => undefined,
        warn: (_o: unknown, m?: string) => void log.push(m ?? ''),
      },
      {
        NODE_ENV: 'test',
        WAKEFLOW_AUTH_SMTP_URL: `smtp://127.0.0.1:${installation.port}`,
        WAKEFLOW_AUTH_EMAIL_FROM: 'accounts@wakeflow.example',
      },
    );
    try {
      const link = 'http://127.0.0.1/reset-password#token=abc';
      const base = { to: 'both@example.com', name: '', link, expiresAt: new Date(Date.now() + 3_600_000) };
      // Even mail a workspace channel could carry goes through the installation's own SMTP once it is set.
      expect(await mailer.send({ ...base, kind: 'password_reset', workspaceId: null })).toBe('delivered');
      expect(await mailer.send({ ...base, kind: 'invitation', workspaceId: 'a' })).toBe('delivered');
      expect(installation.received).toHaveLength(2);
      expect(installation.received[0]!.parsed.text).toContain(link);
      expect(smtpA.received.filter((m) => m.envelopeTo.includes('both@example.com'))).toEqual([]);
      expect(log).toEqual([]);
    } finally {
      await mailer.close?.();
      await installation.close();
    }
  });
});

describe('approving one’s own request with one’s own key (finding 4)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('is refused: the key acts for the person who made it', async () => {
    const admin = await h.person('a', ['admin']);
    const multi = await h.person('a', ['campaign_manager', 'engineer', 'reviewer']);
    expect((await h.as(admin, 'PATCH', '/api/workspace').send({ requirePublishApproval: true })).status).toBe(
      200,
    );
    const key = await h.as(multi, 'POST', '/api/api-keys').send({ name: 'mine', scope: 'admin' });
    expect(key.status).toBe(201);
    const bearer = `Bearer ${key.body.key}`;
    const journey = await request(h.app)
      .post('/api/journeys')
      .set('Authorization', bearer)
      .send({
        name: 'Sneaky',
        graph: {
          nodes: [
            { id: 't', type: 'api_trigger', config: {} },
            { id: 'x', type: 'exit', config: { outcome: 'done' } },
          ],
          edges: [{ source: 't', target: 'x' }],
        },
      });
    const asked = await request(h.app)
      .post(`/api/journeys/${journey.body.id}/publish`)
      .set('Authorization', bearer)
      .send({});
    expect(asked.status).toBe(202);
    const approve = await h.as(multi, 'POST', `/api/approvals/${asked.body.approval.id}/approve`).send({});
    expect(approve.status).toBe(403);
    expect(approve.body.error.code).toBe('own_request');
  });
});

describe('a secret key whenever sign-in is required (finding 5)', () => {
  it('refuses to start with the published development key unless in local mode', () => {
    expect(() => checkAuthStartup({}, '127.0.0.1')).toThrow(/WAKEFLOW_SECRET_KEY/);
    expect(() =>
      checkAuthStartup(
        { WAKEFLOW_AUTH: 'local', WAKEFLOW_ADMIN_PASSWORD: 'a long admin password' },
        '0.0.0.0',
      ),
    ).toThrow(/WAKEFLOW_SECRET_KEY/);
    expect(() => loadSecretKeys({ NODE_ENV: 'development' })).toThrow(/WAKEFLOW_SECRET_KEY/);
    expect(checkAuthStartup({ WAKEFLOW_AUTH: 'local' }, '127.0.0.1').mode).toBe('local');
    expect(checkAuthStartup({ WAKEFLOW_SECRET_KEY: 'a long enough passphrase' }, '0.0.0.0').mode).toBe(
      'required',
    );
  });
});

describe('sign-in hardening (findings 7 and 8)', () => {
  let h: Harness;
  let hanging: Promise<void>;
  beforeAll(async () => {
    hanging = new Promise<void>(() => undefined);
    h = await createHarness({
      auth: {
        // A mailer that never finishes: the reset answer must not wait for it.
        mailer: { send: () => hanging },
        limits: {
          signInFailures: 5,
          signInFailuresPerAccount: 3,
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

  it('answers a reset request before looking the account up or sending', async () => {
    await h.person('a', ['reviewer'], 'known@example.com');
    const known = await request(h.app)
      .post('/api/auth/password-reset')
      .send({ email: 'known@example.com' })
      .timeout(3_000);
    const unknown = await request(h.app)
      .post('/api/auth/password-reset')
      .send({ email: 'unknown@example.com' });
    expect(known.status).toBe(202);
    expect(known.body).toEqual(unknown.body);
  });

  it('audits failed and rate-limited sign-ins in the account’s workspaces, and caps failures per account', async () => {
    const target = await h.person('a', ['reviewer'], 'target@example.com');
    for (let i = 0; i < 3; i++) {
      const res = await request(h.app)
        .post('/api/auth/sign-in')
        .send({ email: 'target@example.com', password: `guess ${i}` });
      expect(res.status).toBe(401);
    }
    const limited = await request(h.app)
      .post('/api/auth/sign-in')
      .send({ email: 'target@example.com', password: PASSWORD });
    expect(limited.status).toBe(429);
    await expect
      .poll(async () => (await auditActions(h, 'a')).filter((a) => a.startsWith('session.sign_in_')).sort())
      .toEqual([
        'session.sign_in_failed',
        'session.sign_in_failed',
        'session.sign_in_failed',
        'session.sign_in_rate_limited',
      ]);
    const rows = await h.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'session.sign_in_failed'));
    expect(rows[0]).toMatchObject({ entityId: target.userId, actor: 'anonymous' });
  });

  it('limits wrong current passwords when changing one’s password', async () => {
    const person = await h.person('a', ['reviewer']);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await h
        .as(person, 'POST', '/api/auth/password')
        .send({ currentPassword: `wrong ${i}`, newPassword: 'a new long passphrase' });
      statuses.push(res.status);
      if (res.status === 429) break;
    }
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.filter((s) => s === 403).length).toBe(5);
  });

  it('records provider changes with before and after, and no read-only POST in the audit log', async () => {
    const engineer = await h.person('a', ['engineer', 'admin', 'campaign_manager']);
    await h.as(engineer, 'POST', '/api/providers').send({
      id: 'mail',
      kind: 'smtp',
      channel: 'email',
      settings: { host: 'smtp.example.com', fromAddress: 'a@example.com' },
      secrets: { password: 'first-secret-value' },
    });
    await h.as(engineer, 'PATCH', '/api/providers/mail').send({
      settings: { host: 'smtp2.example.com', fromAddress: 'a@example.com' },
      secrets: { password: 'second-secret' },
    });
    const audit = await h.as(engineer, 'GET', '/api/audit').query({ action: 'provider.changed' });
    expect(audit.body.entries[0]).toMatchObject({
      before: { settings: { host: 'smtp.example.com' } },
      after: { settings: { host: 'smtp2.example.com' }, secretsChanged: ['password'] },
    });
    expect(JSON.stringify(audit.body)).not.toMatch(/first-secret-value|second-secret/);

    const before = (await auditActions(h, 'a')).length;
    const created = await h.as(engineer, 'POST', '/api/journeys').send({ name: 'j' });
    const afterCreate = (await auditActions(h, 'a')).length;
    expect(afterCreate).toBeGreaterThan(before);
    expect((await h.as(engineer, 'POST', `/api/journeys/${created.body.id}/validate`).send({})).status).toBe(
      200,
    );
    expect(
      (await h.as(engineer, 'POST', '/api/templates/validate').send({ channel: 'email', body: 'hi' })).status,
    ).toBeLessThan(500);
    // Previews change nothing either: a template rendered for a sample customer, a segment's live count.
    expect(
      (await h.as(engineer, 'PUT', '/api/customers/sample').send({ email: 'sample@example.com' })).status,
    ).toBe(200);
    const afterCustomer = (await auditActions(h, 'a')).length;
    expect(
      (
        await h.as(engineer, 'POST', '/api/templates/preview').send({
          template: { channel: 'email', subject: 'Hi', body: 'hi' },
          context: { externalId: 'sample' },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await h
          .as(engineer, 'POST', '/api/segments/preview')
          .send({ definition: { kind: 'tag', tag: 'dormant', has: true } })
      ).status,
    ).toBe(200);
    // Give the audit middleware (it writes after the answer) a moment, then check nothing was added.
    await new Promise((r) => setTimeout(r, 200));
    expect((await auditActions(h, 'a')).length).toBe(afterCustomer);
  });
});
