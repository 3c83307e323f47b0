/**
 * DNS-rebinding guard for local mode. Without sign-in, anyone whose request reaches the API acts as an admin, and a
 * web page can make the browser reach it: the page's own name (evil.example) is re-resolved to 127.0.0.1, so the
 * browser treats the API as same-origin with the page and lets it read every answer. Such requests still name the
 * attacker's host in the Host header, so local mode answers only requests addressed to a loopback name or to a host
 * of a configured origin (the public URL, WAKEFLOW_ALLOWED_ORIGINS). With sign-in required, the session cookie
 * belongs to the real name and a rebound page gets nothing, so the check is not needed there.
 */
import type { RequestHandler } from 'express';
import { isLoopbackHost, type AuthOptions } from './auth-config';
import { HttpError } from './errors';

function urlHost(url: string): string | null {
  try {
    return new URL(url).hostname;
  } catch {
    return null;
  }
}

export function localModeHostCheck(options: Pick<AuthOptions, 'mode' | 'allowedOrigins'>): RequestHandler {
  if (options.mode !== 'local') return (_req, _res, next) => next();
  const configured = new Set(options.allowedOrigins.map(urlHost).filter((host) => host !== null));
  return (req, _res, next) => {
    // The raw header: req.hostname would believe X-Forwarded-Host from a trusted proxy.
    // `[::1]:3000` → `[::1]`, lower-cased; only host characters, so `evil@127.0.0.1` is not read as 127.0.0.1.
    const header = req.headers.host ?? '';
    const host = /^[\w.\-[\]:]+$/.test(header) ? urlHost(`http://${header}`) : null;
    if (host !== null && (isLoopbackHost(host) || configured.has(host))) return next();
    next(
      new HttpError(
        403,
        'host_not_allowed',
        'Without sign-in (WAKEFLOW_AUTH=local) the API answers only on localhost, 127.0.0.1 or the host of WAKEFLOW_PUBLIC_URL',
      ),
    );
  };
}
