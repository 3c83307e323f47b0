/**
 * The session cookie: HTTP-only (scripts cannot read it), SameSite=Lax (not sent on cross-site subrequests, still
 * sent when an identity provider redirects back), Secure with the `__Host-` prefix when the app is served over
 * https (the prefix forbids a Domain attribute, so a sibling subdomain cannot plant one).
 */
import type { CookieOptions, Request, Response } from 'express';

export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-wakeflow_session' : 'wakeflow_session';
}

export function oidcStateCookieName(secure: boolean): string {
  return secure ? '__Host-wakeflow_oidc' : 'wakeflow_oidc';
}

/** Reads one cookie from the request; Express 5 has no cookie parser built in and we need only this. */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function options(secure: boolean, maxAgeMs?: number): CookieOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    ...(maxAgeMs !== undefined ? { maxAge: maxAgeMs } : {}),
  };
}

export function setCookie(
  res: Response,
  name: string,
  value: string,
  secure: boolean,
  maxAgeMs: number,
): void {
  res.cookie(name, value, options(secure, maxAgeMs));
}

export function clearCookie(res: Response, name: string, secure: boolean): void {
  res.clearCookie(name, options(secure));
}
