/**
 * Sign-in with email and password, sign-out, who am I, and changing one's own password. Every sign-in issues a new
 * session id and deletes the one the browser came with (session fixation); failures answer the same for unknown
 * accounts and wrong passwords, take the same time, and are rate limited per IP and account.
 */
import { Router, type Request, type Response } from 'express';
import {
  actorOf,
  createSession,
  deleteExpiredSessions,
  deleteSession,
  deleteSessionsOfUser,
  findSessionPrincipal,
  findUserByEmail,
  hashPassword,
  membershipsOf,
  passwordProblem,
  setPasswordHash,
  findUserById,
  verifyPassword,
  writeAudit,
} from '@wakeflow/auth';
import { authRoutes as contract } from '@wakeflow/contracts';
import { answer } from '../../http/answer';
import { clearCookie, readCookie, sessionCookieName, setCookie } from '../../http/cookies';
import { HttpError, parseInput } from '../../http/errors';
import { passwordChangeRateLimit, signInRateLimits } from '../../http/rate-limits';
import { principalOf } from '../../http/workspace';
import { recordAudit } from '../../http/audit-trail';
import type { AuthRouteDeps } from './context';
import { describePrincipal } from './describe-principal';

/** Starts a session for a person who proved who they are; shared by password and OIDC sign-in. */
export async function startSession(
  deps: AuthRouteDeps,
  req: Request,
  res: Response,
  userId: string,
  wantedWorkspace?: string,
) {
  const { db, auth } = deps;
  const memberships = await membershipsOf(db, userId);
  const chosen = memberships.find((m) => m.workspaceId === wantedWorkspace) ?? memberships[0];
  if (!chosen)
    throw new HttpError(
      403,
      'no_workspace',
      'You are not a member of any workspace yet; ask an admin to add you',
    );
  const cookieName = sessionCookieName(auth.secureCookies);
  // Against fixation: whatever id the browser brought (planted or stale) dies here; the new one is fresh.
  const previous = readCookie(req, cookieName);
  if (previous) await deleteSession(db, previous);
  // Sign-ins are rare enough to sweep expired rows here instead of running a job for it.
  await deleteExpiredSessions(db);
  const session = await createSession(
    db,
    { userId, workspaceId: chosen.workspaceId, ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null },
    auth.session,
  );
  setCookie(res, cookieName, session.token, auth.secureCookies, auth.session.absoluteMs);
  const principal = (await findSessionPrincipal(db, session.token, auth.session))!;
  res.locals.principal = principal;
  await writeAudit(db, {
    workspaceId: principal.workspaceId,
    actor: actorOf(principal),
    action: 'session.signed_in',
    entityType: 'user',
    entityId: userId,
  });
  res.locals.audited = true;
  return principal;
}

/**
 * Records a refused sign-in in the audit log of every workspace of the account it aimed at, so its admins see a
 * guessing run. Attempts on unknown emails belong to no workspace and go to the server log only.
 */
export async function auditRefusedSignIn(
  deps: AuthRouteDeps,
  req: Request,
  email: string,
  action: 'session.sign_in_failed' | 'session.sign_in_rate_limited',
): Promise<void> {
  const user = email ? await findUserByEmail(deps.db, email) : null;
  if (!user) {
    deps.logger.info({ ip: req.ip, action }, 'refused sign-in for an unknown account');
    return;
  }
  for (const m of await membershipsOf(deps.db, user.id)) {
    await writeAudit(deps.db, {
      workspaceId: m.workspaceId,
      actor: 'anonymous',
      action,
      entityType: 'user',
      entityId: user.id,
      after: { ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null },
    });
  }
}

export function signInRoutes(deps: AuthRouteDeps): Router {
  const { db, auth } = deps;
  const router = Router();
  const cookieName = sessionCookieName(auth.secureCookies);
  const onLimited = (req: Request, email: string) => {
    auditRefusedSignIn(deps, req, email, 'session.sign_in_rate_limited').catch((error: unknown) =>
      deps.logger.error({ err: error }, 'could not audit a rate-limited sign-in'),
    );
  };

  router.get('/auth/config', (_req, res) => {
    answer(res, contract.config, 200, {
      mode: auth.mode,
      methods: {
        password: true,
        oidc: auth.oidc ? { label: auth.oidc.settings.label, startUrl: '/api/auth/oidc/start' } : null,
      },
      csrfHeader: 'X-CSRF-Token',
    });
  });

  router.post(
    '/auth/sign-in',
    ...signInRateLimits(db, 'sign-in', auth.limits, onLimited),
    async (req, res) => {
      const body = parseInput(contract.signIn.body, req.body, 'body');
      const user = await findUserByEmail(db, body.email);
      const ok = await verifyPassword(user?.passwordHash, body.password);
      if (!user || !ok || user.disabledAt !== null) {
        // Not awaited: the extra writes for known accounts would make their answers measurably slower.
        auditRefusedSignIn(deps, req, body.email, 'session.sign_in_failed').catch((error: unknown) =>
          deps.logger.error({ err: error }, 'could not audit a failed sign-in'),
        );
        throw new HttpError(401, 'invalid_credentials', 'Wrong email or password');
      }
      const principal = await startSession(deps, req, res, user.id, body.workspaceId);
      res.set('Cache-Control', 'no-store');
      answer(res, contract.signIn, 200, await describePrincipal(db, principal));
    },
  );

  router.post('/auth/sign-out', async (req, res) => {
    const token = readCookie(req, cookieName);
    const principal = principalOf(res);
    if (token) await deleteSession(db, token);
    clearCookie(res, cookieName, auth.secureCookies);
    if (principal.kind === 'user')
      await recordAudit(db, res, {
        action: 'session.signed_out',
        entityType: 'user',
        entityId: principal.userId,
      });
    res.status(204).end();
  });

  router.get('/auth/me', async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    answer(res, contract.me, 200, await describePrincipal(db, principalOf(res)));
  });

  // Moving to another workspace of one's own is a new session there (fresh id and CSRF token), never a header.
  router.post('/auth/workspace', async (req, res) => {
    const principal = principalOf(res);
    if (principal.kind !== 'user')
      throw new HttpError(403, 'not_a_person', 'Only a signed-in person switches workspaces');
    const { workspaceId } = parseInput(contract.switchWorkspace.body, req.body, 'body');
    const memberships = await membershipsOf(db, principal.userId);
    if (!memberships.some((m) => m.workspaceId === workspaceId))
      throw new HttpError(404, 'not_found', 'Workspace not found');
    const next = await startSession(deps, req, res, principal.userId, workspaceId);
    res.set('Cache-Control', 'no-store');
    answer(res, contract.switchWorkspace, 200, await describePrincipal(db, next));
  });

  router.post('/auth/password', passwordChangeRateLimit(db, auth.limits), async (req, res) => {
    const principal = principalOf(res);
    if (principal.kind !== 'user')
      throw new HttpError(403, 'not_a_person', 'Only a signed-in person has a password');
    const body = parseInput(contract.changePassword.body, req.body, 'body');
    const problem = passwordProblem(body.newPassword);
    if (problem)
      throw new HttpError(400, 'invalid_request', problem, {
        issues: [{ path: 'body.newPassword', message: problem }],
      });
    const user = await findUserById(db, principal.userId);
    if (!(await verifyPassword(user?.passwordHash, body.currentPassword)))
      throw new HttpError(403, 'invalid_credentials', 'Your current password is not right');
    await setPasswordHash(db, principal.userId, await hashPassword(body.newPassword));
    // Other browsers signed in with the old password are signed out; this one stays.
    await deleteSessionsOfUser(db, principal.userId, principal.sessionIdHash);
    await recordAudit(db, res, {
      action: 'user.password_changed',
      entityType: 'user',
      entityId: principal.userId,
    });
    res.status(204).end();
  });

  return router;
}
