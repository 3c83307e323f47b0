/**
 * HTTP hardening: the API's own origin comes from configuration (a DNS-rebinding page that sends matching Host and
 * Origin headers gets nothing, and local mode answers only on loopback names and the public URL's host);
 * X-Forwarded-For counts only from a configured proxy; a Content-Security-Policy on API answers and on the web app
 * it serves; replay uploads and template render limits answer a short, clean 4xx instead of internals or a 500.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthLimits } from '../../src/http/auth-config';
import { createHarness, type Harness } from './harness';

const PUBLIC_URL = 'https://wakeflow.example.com';
/** At most three sign-in attempts per client IP; the other limits out of the way. */
const TIGHT: AuthLimits = {
  signInFailures: 1_000,
  signInFailuresPerAccount: 1_000,
  signInPerIp: 3,
  signInWindowMs: 60_000,
  ingestPerMinute: 10_000,
};
/** Internals that must never reach a client: parser and SDK messages, stack frames, file paths. */
const INTERNALS = /temporal\.api|protobuf|TypeError|Missing attributes|stack|node_modules|\.ts:\d+|\.js:\d+/;

const recorded = JSON.parse(
  readFileSync(new URL('../../../../workflows/histories/branch-no.json', import.meta.url), 'utf8'),
) as { events: Record<string, unknown>[] };

/** A sign-in run across many accounts, each attempt claiming a new client address. */
async function signInWithRotatingIps(h: Harness, attempts: number, xff?: string): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < attempts; i++) {
    const res = await request(h.app)
      .post('/api/auth/sign-in')
      .set('X-Forwarded-For', xff ?? `203.0.113.${i + 1}`)
      .send({ email: `guess-${i}@example.com`, password: 'not the password' });
    statuses.push(res.status);
  }
  return statuses;
}

describe('sign-in required, default settings', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await createHarness({ auth: { publicUrl: PUBLIC_URL, limits: TIGHT } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refuses a foreign Origin even when the Host header names the same site (DNS rebinding)', async () => {
    const rebound = await request(h.app)
      .post('/api/auth/sign-in')
      .set('Host', 'evil.example')
      .set('Origin', 'http://evil.example')
      .send({ email: 'a@example.com', password: 'whatever it is' });
    expect(rebound.status).toBe(403);
    expect(rebound.body.error.code).toBe('origin_not_allowed');
    // The configured origin passes the check (and fails only on the wrong password).
    const ours = await request(h.app)
      .post('/api/auth/sign-in')
      .set('Origin', PUBLIC_URL)
      .send({ email: 'a@example.com', password: 'whatever it is' });
    expect(ours.status).toBe(401);
  });

  it('ignores X-Forwarded-For without a configured proxy: a rotating one is still limited per real IP', async () => {
    const statuses = await signInWithRotatingIps(h, 4);
    expect(statuses[0]).toBe(401);
    // Three attempts per IP: the fourth is refused at the latest (earlier tests may have used some).
    expect(statuses.at(-1)).toBe(429);
  });
});

describe('local mode, behind a configured proxy', () => {
  let h: Harness;
  let webDist: string;

  beforeAll(async () => {
    webDist = mkdtempSync(path.join(tmpdir(), 'wakeflow-web-'));
    writeFileSync(
      path.join(webDist, 'index.html'),
      '<!doctype html><html><head><script type="module" src="/assets/app.js"></script></head><body></body></html>',
    );
    h = await createHarness({
      auth: { mode: 'local', publicUrl: PUBLIC_URL, trustedProxies: ['loopback'], limits: TIGHT },
      webDist,
    });
    expect((await request(h.app).put('/api/customers/ada').send({ email: 'ada@example.com' })).status).toBe(
      200,
    );
  });
  afterAll(async () => {
    await h?.close();
    rmSync(webDist, { recursive: true, force: true });
  });

  it('answers only requests addressed to a loopback name or the public URL host', async () => {
    const journey = { name: 'Rebound' };
    const rebound = await request(h.app)
      .post('/api/journeys')
      .set('Host', 'evil.example')
      .set('Origin', 'http://evil.example')
      .send(journey);
    expect(rebound.status).toBe(403);
    expect(rebound.body.error.code).toBe('host_not_allowed');
    expect(rebound.body.error.message).toMatch(/localhost|WAKEFLOW_PUBLIC_URL/);
    // Reading is what a rebinding page is after: refused too.
    const read = await request(h.app).get('/api/journeys').set('Host', 'evil.example:3000');
    expect(read.status).toBe(403);
    expect((await request(h.app).get('/').set('Host', 'evil.example')).status).toBe(403);
    // Userinfo tricks do not turn a foreign name into a loopback one.
    expect((await request(h.app).get('/api/journeys').set('Host', 'evil.example@127.0.0.1')).status).toBe(
      403,
    );

    const ours = await request(h.app)
      .post('/api/journeys')
      .set('Host', 'wakeflow.example.com')
      .set('Origin', PUBLIC_URL)
      .send(journey);
    expect(ours.status).toBe(201);
    expect((await request(h.app).get('/api/journeys').set('Host', 'localhost:3000')).status).toBe(200);
    expect((await request(h.app).get('/api/journeys').set('Host', '[::1]:3000')).status).toBe(200);
  });

  it('believes X-Forwarded-For from the configured proxy', async () => {
    expect(await signInWithRotatingIps(h, 4)).toEqual([401, 401, 401, 401]);
    expect(await signInWithRotatingIps(h, 4, '198.51.100.7')).toEqual([401, 401, 401, 429]);
  });

  it('sends a Content-Security-Policy with API answers and with the web app it serves', async () => {
    for (const url of ['/api/auth/config', '/', '/journeys/some-client-route', '/index.html']) {
      const res = await request(h.app).get(url);
      expect(res.status, url).toBe(200);
      const csp = String(res.headers['content-security-policy']);
      for (const directive of [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
      ]) {
        expect(csp, `${url}: ${directive}`).toContain(directive);
      }
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  describe('replay uploads', () => {
    const first = recorded.events[0]!;
    const started = first.workflowExecutionStartedEventAttributes as Record<string, unknown>;
    const uploads: [string, unknown, RegExp][] = [
      ['an unknown event', { events: [{ eventId: '1', eventType: 'Bogus' }] }, /Event 1 .*could not be read/],
      [
        'a bad timestamp',
        { events: [{ ...first, eventTime: 'yesterday' }, ...recorded.events.slice(1)] },
        /Event 1 .*could not be read/,
      ],
      ['JSON cut short', '{"events": [', /not valid JSON/],
      ['no events', { events: [] }, /no events/],
      // The SDK's replay worker hangs on these instead of failing.
      ['a history without its start', { events: recorded.events.slice(1) }, /first event .*not the start/],
      ['only the start', { events: recorded.events.slice(0, 1) }, /no workflow task/],
      [
        'another workflow type',
        {
          events: [
            {
              ...first,
              workflowExecutionStartedEventAttributes: { ...started, workflowType: { name: 'other' } },
            },
            ...recorded.events.slice(1),
          ],
        },
        /workflow type “other”/,
      ],
    ];

    it.each(uploads)('answers 400 naming the problem for %s', async (_name, history, problem) => {
      const res = await request(h.app).post('/api/replay').send({ history });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_history');
      expect(res.body.error.message).toMatch(problem);
      expect(res.body.error.issues[0].path).toBe('body.history');
      expect(JSON.stringify(res.body)).not.toMatch(INTERNALS);
    });

    it('reports a replay failure in its own words, without the SDK message or stack', async () => {
      // A journey run whose input is not JSON: the workflow code throws while replaying it.
      const badInput = {
        ...started,
        input: { payloads: [{ metadata: { encoding: 'anNvbi9wbGFpbg==' }, data: 'bm90IGpzb24=' }] },
      };
      const res = await request(h.app)
        .post('/api/replay')
        .send({
          history: {
            events: [
              { ...first, workflowExecutionStartedEventAttributes: badInput },
              ...recorded.events.slice(1),
            ],
          },
        });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        ok: false,
        summary: expect.stringMatching(/workflow code raised an error/),
      });
      expect(res.body.detail).toBeUndefined();
      expect(JSON.stringify(res.body)).not.toMatch(INTERNALS);
      const ok = await request(h.app).post('/api/replay').send({ history: recorded });
      expect(ok.body).toMatchObject({ ok: true });
    });
  });

  describe('template render limits', () => {
    const preview = (body: string) =>
      request(h.app)
        .post('/api/templates/preview')
        .send({ template: { channel: 'sms', body }, context: { externalId: 'ada' } });

    it('answers 422 naming the memory limit', async () => {
      const res = await preview('Hi {% for i in (1..100000000) %}{{ i }}{% endfor %}');
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'template_limit_exceeded', limit: 'memory' });
      expect(res.body.error.message).toMatch(/template memory limit/);
      expect(res.body.error.templateProblems[0]).toMatchObject({ field: 'body', line: 1 });
    });

    it('answers 422 naming the render time limit, also for a stored template', async () => {
      const slow = '{% for i in (1..5000) %}{% for j in (1..3000) %}x{% endfor %}{% endfor %}';
      const res = await preview(slow);
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'template_limit_exceeded', limit: 'render_time' });
      expect(res.body.error.message).toMatch(/longer than 250 ms .*render time limit/);
      const created = await request(h.app)
        .post('/api/templates')
        .send({ id: 'slow-sms', channel: 'sms', name: 'Slow', body: slow });
      expect(created.status).toBe(201);
      const stored = await request(h.app).post('/api/templates/slow-sms/preview').send({ externalId: 'ada' });
      expect(stored.status).toBe(422);
      expect(stored.body.error.code).toBe('template_limit_exceeded');
    });
  });
});
