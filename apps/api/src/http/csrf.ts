/**
 * Cross-site request forgery defences for browser requests. Sessions use a synchroniser token: sign-in (and
 * GET /api/auth/me) hand the browser a random token stored with the session, and every unsafe request must echo it
 * in `X-CSRF-Token` — another site can make the browser send the cookie but cannot read the token. On top, any
 * unsafe browser request whose Origin is not ours is refused (this also covers sign-in and local mode, which have
 * no session yet). API-key requests carry no ambient credentials and are exempt.
 *
 * "Ours" comes from configuration only (the public URL and allowed origins), never from the request's Host header:
 * a DNS-rebinding page resolves its own name to this machine and sends Host and Origin that agree with each other.
 */
import type { Request } from 'express';
import { sameSecret, type Principal } from '@wakeflow/auth';
import { HttpError } from './errors';

export const CSRF_HEADER = 'x-csrf-token';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isUnsafe(method: string): boolean {
  return !SAFE.has(method);
}

/** Refuses an unsafe request from a foreign Origin. Requests without Origin (curl, servers) pass this check. */
export function checkOrigin(req: Request, allowedOrigins: readonly string[]): void {
  if (!isUnsafe(req.method)) return;
  const origin = req.get('origin');
  if (origin === undefined) return;
  if (origin !== 'null' && allowedOrigins.includes(origin)) return;
  throw new HttpError(403, 'origin_not_allowed', 'Requests from this origin are not accepted');
}

export function checkCsrfToken(req: Request, principal: Principal): void {
  if (principal.kind !== 'user' || !isUnsafe(req.method)) return;
  const sent = req.get(CSRF_HEADER);
  if (!sent || !sameSecret(sent, principal.csrfToken)) {
    throw new HttpError(
      403,
      'csrf_token_invalid',
      `Send the session's CSRF token in the ${CSRF_HEADER} header`,
    );
  }
}
