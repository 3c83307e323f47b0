/**
 * OpenID Connect sign-in. /start remembers state, nonce and PKCE verifier (database, keyed by the state's hash) and
 * binds the attempt to this browser with a short-lived cookie holding the state; /callback requires both, so a
 * callback URL planted by someone else (login CSRF) fails. Only people an admin has invited may sign in: the first
 * time by their verified email (which also accepts their open invitations), afterwards by the provider's subject.
 */
import { Router } from 'express';
import {
  acceptInvitation,
  findUserByEmail,
  findUserByOidc,
  linkOidcIdentity,
  openInvitationsFor,
  sameSecret,
  saveOidcLogin,
  takeOidcLogin,
  writeAudit,
} from '@wakeflow/auth';
import { clearCookie, oidcStateCookieName, readCookie, setCookie } from '../../http/cookies';
import { authRoutes as contract } from '@wakeflow/contracts';
import { HttpError, parseInput } from '../../http/errors';
import type { AuthRouteDeps } from './context';
import { startSession } from './sign-in';

/**
 * Only paths on this site: an open redirect after sign-in would hand phishers a trusted link. Browsers drop tabs
 * and newlines and read a backslash as `/`, so `/<tab>/evil.example` or `/<backslash>evil.example` would leave the
 * site: refuse those characters, resolve the value as a browser would and keep it only if it stays on our origin.
 */
export function safeReturnTo(value: string | undefined): string {
  const unsafe = (c: string) => c === '\\' || c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f;
  if (!value || !value.startsWith('/') || [...value].some(unsafe)) return '/';
  const base = 'http://wakeflow.invalid';
  const resolved = new URL(value, base);
  return resolved.origin === base ? `${resolved.pathname}${resolved.search}${resolved.hash}` : '/';
}

export function oidcRoutes(deps: AuthRouteDeps): Router {
  const { db, auth } = deps;
  const router = Router();
  const stateCookie = oidcStateCookieName(auth.secureCookies);

  function client() {
    if (!auth.oidc) throw new HttpError(404, 'oidc_not_configured', 'Single sign-on is not configured');
    return auth.oidc;
  }

  router.get('/auth/oidc/start', async (req, res) => {
    const oidc = client();
    const { returnTo } = parseInput(contract.oidcStart.query, req.query, 'query');
    const started = await oidc.start();
    await saveOidcLogin(db, {
      state: started.state,
      nonce: started.nonce,
      codeVerifier: started.codeVerifier,
      returnTo: safeReturnTo(returnTo),
    });
    setCookie(res, stateCookie, started.state, auth.secureCookies, 10 * 60_000);
    res.redirect(302, started.url.toString());
  });

  router.get('/auth/oidc/callback', async (req, res) => {
    const oidc = client();
    const { state } = parseInput(contract.oidcCallback.query, req.query, 'query');
    const cookieState = readCookie(req, stateCookie);
    clearCookie(res, stateCookie, auth.secureCookies);
    if (!cookieState || !sameSecret(cookieState, state))
      throw new HttpError(
        400,
        'oidc_state_mismatch',
        'This sign-in was not started in this browser; start again',
      );
    const pending = await takeOidcLogin(db, state);
    if (!pending)
      throw new HttpError(400, 'oidc_expired', 'This sign-in expired or was already used; start again');
    const callback = new URL(oidc.settings.redirectUri);
    callback.search = new URL(req.originalUrl, 'http://x').search;
    let identity;
    try {
      identity = await oidc.finish(callback, {
        state,
        nonce: pending.nonce,
        codeVerifier: pending.codeVerifier,
      });
    } catch (error) {
      deps.logger.warn({ err: error }, 'OIDC sign-in refused');
      throw new HttpError(401, 'oidc_failed', 'The identity provider did not confirm this sign-in');
    }
    let user = await findUserByOidc(db, identity.issuer, identity.subject);
    if (!user && identity.email && identity.emailVerified) {
      const byEmail = await findUserByEmail(db, identity.email);
      // An account already linked to another identity is not taken over by a second one with the same email.
      if (byEmail && byEmail.oidcSubject === null) {
        await linkOidcIdentity(db, byEmail.id, identity.issuer, identity.subject);
        user = byEmail;
      }
    }
    // A verified email proves the address as well as an invitation link does: accept what is open for it (creating
    // the account, without a password, if this is the person's first workspace).
    if ((!user || user.disabledAt === null) && identity.email && identity.emailVerified) {
      for (const invitation of await openInvitationsFor(db, identity.email)) {
        const outcome = await acceptInvitation(
          db,
          { id: invitation.id },
          user
            ? { kind: 'account', userId: user.id }
            : { kind: 'new_account', name: identity.name ?? '', passwordHash: null },
        );
        if (!outcome.ok) continue;
        if (!user) {
          user = await findUserByEmail(db, identity.email);
          if (user) await linkOidcIdentity(db, user.id, identity.issuer, identity.subject);
        }
        await writeAudit(db, {
          workspaceId: outcome.workspaceId,
          actor: `user:${outcome.userId}`,
          action: 'invitation.accepted',
          entityType: 'invitation',
          entityId: invitation.id,
          after: { roles: outcome.roles, accountCreated: outcome.created, via: 'oidc' },
        });
      }
    }
    if (!user || user.disabledAt !== null)
      throw new HttpError(
        403,
        'not_invited',
        'No Wakeflow account for this identity; ask an admin to add you',
      );
    await startSession(deps, req, res, user.id);
    res.redirect(302, pending.returnTo);
  });

  return router;
}
