/**
 * OpenID Connect sign-in end to end: the API (openid-client) against a local identity provider (oidc-provider)
 * over real HTTP — discovery, redirect with PKCE, state and nonce, the provider's login, the code exchange, ID
 * token checks — ending in a normal session. Only people an admin added may sign in, and a callback that did not
 * start in this browser is refused.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOidcClient, ensureUser, setMembership } from '@wakeflow/auth';
import { createHarness, sessionCookie, type Harness } from './harness';
import { startTestIdp, type TestIdp } from './test-idp';

const REDIRECT = 'http://127.0.0.1:3999/api/auth/oidc/callback';

function cookiesOf(res: Response | request.Response): string[] {
  if ('getSetCookie' in res.headers && typeof res.headers.getSetCookie === 'function')
    return res.headers.getSetCookie();
  const raw = (res as request.Response).headers['set-cookie'] as unknown;
  return Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
}

/** Follows the provider's redirects like a browser (keeping its cookies) until it sends us back to the API. */
async function browseProvider(start: string): Promise<URL> {
  const jar = new Map<string, string>();
  let url = start;
  for (let hop = 0; hop < 15; hop++) {
    if (url.startsWith(REDIRECT)) return new URL(url);
    const res = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const c of cookiesOf(res)) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    const location = res.headers.get('location');
    if (!location) throw new Error(`provider stopped at ${url}: ${res.status} ${await res.text()}`);
    url = new URL(location, url).toString();
  }
  throw new Error('too many redirects');
}

describe('OIDC sign-in', () => {
  let idp: TestIdp;
  let h: Harness;

  beforeAll(async () => {
    idp = await startTestIdp({
      clientId: 'wakeflow',
      clientSecret: 'test-client-secret-of-wakeflow',
      redirectUri: REDIRECT,
    });
    const oidc = createOidcClient({
      issuer: idp.issuer,
      clientId: 'wakeflow',
      clientSecret: 'test-client-secret-of-wakeflow',
      redirectUri: REDIRECT,
      scopes: 'openid email profile',
      label: 'Test IdP',
    });
    h = await createHarness({ auth: { oidc } });
    const { user } = await ensureUser(h.database.db, { email: 'grace@example.com', name: 'Grace' });
    await setMembership(h.database.db, 'a', user.id, ['reviewer']);
  });
  afterAll(async () => {
    await h?.close();
    await idp?.close();
  });

  async function signInThroughProvider(returnTo?: string) {
    const started = await request(h.app)
      .get('/api/auth/oidc/start')
      .query(returnTo ? { returnTo } : {});
    expect(started.status).toBe(302);
    const location = new URL(started.headers.location as string);
    expect(location.origin).toBe(idp.issuer);
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    expect(location.searchParams.get('nonce')).toBeTruthy();
    const stateCookie = cookiesOf(started)
      .find((c) => c.startsWith('wakeflow_oidc='))!
      .split(';')[0]!;
    const back = await browseProvider(location.toString());
    return { back, stateCookie };
  }

  it('signs in a person an admin added, by verified email, into a normal session', async () => {
    idp.signInAs({ sub: 'idp-grace', email: 'Grace@Example.com', emailVerified: true, name: 'Grace H' });
    const config = await request(h.app).get('/api/auth/config');
    expect(config.body.methods.oidc).toEqual({ label: 'Test IdP', startUrl: '/api/auth/oidc/start' });
    const { back, stateCookie } = await signInThroughProvider('/journeys');
    const done = await request(h.app).get(`${back.pathname}${back.search}`).set('Cookie', stateCookie);
    expect(done.status).toBe(302);
    expect(done.headers.location).toBe('/journeys');
    const me = await request(h.app)
      .get('/api/auth/me')
      .set('Cookie', sessionCookie(done.headers['set-cookie']));
    expect(me.body).toMatchObject({
      kind: 'user',
      user: { email: 'grace@example.com' },
      roles: ['reviewer'],
      workspaceId: 'a',
    });
    // The identity is linked: next time the provider's subject finds the account.
    const people = await h.as(
      { cookie: sessionCookie(done.headers['set-cookie']), csrfToken: me.body.csrfToken, userId: '' },
      'GET',
      '/api/people',
    );
    expect(people.body.people[0].signIn).toEqual({ password: false, oidc: true });
  });

  it('refuses a callback that did not start in this browser, and a replayed one', async () => {
    idp.signInAs({ sub: 'idp-grace', email: 'grace@example.com', emailVerified: true, name: 'Grace' });
    const { back, stateCookie } = await signInThroughProvider();
    const noCookie = await request(h.app).get(`${back.pathname}${back.search}`);
    expect(noCookie.status).toBe(400);
    expect(noCookie.body.error.code).toBe('oidc_state_mismatch');
    expect(
      (await request(h.app).get(`${back.pathname}${back.search}`).set('Cookie', stateCookie)).status,
    ).toBe(302);
    const replay = await request(h.app).get(`${back.pathname}${back.search}`).set('Cookie', stateCookie);
    expect(replay.body.error.code).toBe('oidc_expired');
  });

  it('refuses people nobody added, and unverified emails', async () => {
    idp.signInAs({
      sub: 'idp-stranger',
      email: 'stranger@example.com',
      emailVerified: true,
      name: 'Stranger',
    });
    let { back, stateCookie } = await signInThroughProvider();
    let res = await request(h.app).get(`${back.pathname}${back.search}`).set('Cookie', stateCookie);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('not_invited');

    const { user } = await ensureUser(h.database.db, { email: 'unverified@example.com' });
    await setMembership(h.database.db, 'a', user.id, ['reviewer']);
    idp.signInAs({ sub: 'idp-unverified', email: 'unverified@example.com', emailVerified: false, name: 'U' });
    ({ back, stateCookie } = await signInThroughProvider());
    res = await request(h.app).get(`${back.pathname}${back.search}`).set('Cookie', stateCookie);
    expect(res.status).toBe(403);
  });

  it('keeps sign-in redirects on this site', async () => {
    idp.signInAs({ sub: 'idp-grace', email: 'grace@example.com', emailVerified: true, name: 'Grace' });
    const { back, stateCookie } = await signInThroughProvider('https://evil.example/phish');
    const done = await request(h.app).get(`${back.pathname}${back.search}`).set('Cookie', stateCookie);
    expect(done.headers.location).toBe('/');
  });
});
