/**
 * The one place a request's principal and workspace are decided. The workspace is the signed-in session's, the API
 * key's, or — in local mode only — the default one; nothing the client sends can choose another. Routes read it
 * with `workspaceOf(res)` and every query they run filters by it, so a row of another workspace is
 * indistinguishable from a missing one (404).
 *
 * Order: an `Authorization: Bearer wfk_…` API key, else the session cookie, else the local-mode admin. A bad key is
 * refused at once (401) rather than falling back to a cookie, so a misconfigured integration fails loudly.
 */
import type { RequestHandler, Response } from 'express';
import {
  allPermissions,
  findApiKeyPrincipal,
  findSessionPrincipal,
  looksLikeApiKey,
  type Principal,
} from '@wakeflow/auth';
import type { Database } from '@wakeflow/db';
import type { AuthOptions } from './auth-config';
import { readCookie, sessionCookieName } from './cookies';
import { HttpError } from './errors';

function bearer(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match ? match[1]! : null;
}

export function resolveWorkspace(
  db: Database,
  defaultWorkspaceId: string,
  options: AuthOptions,
): RequestHandler {
  const cookieName = sessionCookieName(options.secureCookies);
  const local: Principal = {
    kind: 'local',
    workspaceId: defaultWorkspaceId,
    permissions: new Set(allPermissions),
  };
  return async (req, res, next) => {
    const key = bearer(req.header('authorization'));
    let principal: Principal | null = null;
    if (key !== null) {
      principal = looksLikeApiKey(key) ? await findApiKeyPrincipal(db, key) : null;
      if (!principal)
        return next(new HttpError(401, 'invalid_api_key', 'This API key is not valid or was revoked'));
    } else {
      const token = readCookie(req, cookieName);
      if (token) principal = await findSessionPrincipal(db, token, options.session);
      if (!principal && options.mode === 'local') principal = local;
    }
    if (principal) {
      res.locals.principal = principal;
      res.locals.workspaceId = principal.workspaceId;
    }
    next();
  };
}

export function workspaceOf(res: Response): string {
  const id: unknown = res.locals.workspaceId;
  if (typeof id !== 'string') throw new Error('workspace middleware did not run');
  return id;
}

/** The signed-in principal; the access middleware has already refused requests without one on non-public routes. */
export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new HttpError(401, 'sign_in_required', 'Sign in first');
  return principal;
}

export function maybePrincipalOf(res: Response): Principal | null {
  return (res.locals.principal as Principal | undefined) ?? null;
}
