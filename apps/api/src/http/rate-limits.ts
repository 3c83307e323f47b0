/**
 * Rate limits. Sign-in: failed attempts per IP and email (a guessing run against one account stops after a few
 * tries), failed attempts per email from any address (a run spread over many addresses; the price is that such a
 * run can hold the account's password sign-in for a window, while OIDC and resets still work), and all attempts per
 * IP (a run across many accounts); successful sign-ins do not count. Changing one's password: failed attempts per
 * person. Ingest: requests per principal per minute, so one runaway integration cannot starve the database.
 * Counters live in PostgreSQL (rate-limit-store.ts), so several API processes count together: a guessing run spread
 * over the processes behind a load balancer meets the same limit as one aimed at a single process.
 */
import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Principal } from '@wakeflow/auth';
import type { Database } from '@wakeflow/db';
import type { AuthLimits } from './auth-config';
import { HttpError } from './errors';
import { PostgresRateLimitStore } from './rate-limit-store';

function clientIp(req: Request): string {
  return ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown');
}

function emailOf(req: Request): string {
  const email = (req.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? email.trim().toLowerCase() : '';
}

/** Told about every refused attempt, e.g. to audit it against the account it aimed at. */
export type OnLimited = (req: Request, email: string) => void;

function tooMany(message: string, onLimited?: OnLimited): RequestHandler {
  return (req, res, next) => {
    onLimited?.(req, emailOf(req));
    const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
    const seconds = reset ? Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000)) : 60;
    res.setHeader('Retry-After', String(seconds));
    next(new HttpError(429, 'rate_limited', message, { retryAfterSeconds: seconds }));
  };
}

/**
 * The sign-in limits of one route; `scope` (e.g. `sign-in`, `password-reset`) keeps each route's counts apart, so
 * asking for password resets does not use up a person's sign-in attempts.
 */
export function signInRateLimits(
  db: Database,
  scope: string,
  limits: AuthLimits,
  onLimited?: OnLimited,
): RequestHandler[] {
  const perIpAndAccount = rateLimit({
    store: new PostgresRateLimitStore(db, `${scope}:ip-account`),
    windowMs: limits.signInWindowMs,
    limit: limits.signInFailures,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => `${clientIp(req)}|${emailOf(req)}`,
    handler: tooMany('Too many failed sign-ins; wait before trying again', onLimited),
  });
  const perAccount = rateLimit({
    store: new PostgresRateLimitStore(db, `${scope}:account`),
    windowMs: limits.signInWindowMs,
    limit: limits.signInFailuresPerAccount,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => `account|${emailOf(req)}`,
    // Requests without an email (invitation lookups) are covered by the per-IP limits alone.
    skip: (req) => emailOf(req) === '',
    handler: tooMany('Too many failed sign-ins to this account; wait before trying again', onLimited),
  });
  const perIp = rateLimit({
    store: new PostgresRateLimitStore(db, `${scope}:ip`),
    windowMs: limits.signInWindowMs,
    limit: limits.signInPerIp,
    standardHeaders: false,
    legacyHeaders: false,
    keyGenerator: (req) => clientIp(req),
    handler: tooMany('Too many sign-in attempts from this address; wait before trying again', onLimited),
  });
  return [perIp, perIpAndAccount, perAccount];
}

/** Failed attempts to change one's password, per signed-in person: a stolen session cannot guess the old one. */
export function passwordChangeRateLimit(db: Database, limits: AuthLimits): RequestHandler {
  return rateLimit({
    store: new PostgresRateLimitStore(db, 'password-change'),
    windowMs: limits.signInWindowMs,
    limit: limits.signInFailures,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => {
      const p = (req.res?.locals.principal as Principal | undefined) ?? null;
      return p?.kind === 'user' ? `user:${p.userId}` : `ip:${clientIp(req)}`;
    },
    handler: tooMany('Too many wrong current passwords; wait before trying again'),
  });
}

export function ingestRateLimit(db: Database, limits: AuthLimits): RequestHandler {
  const limiter = rateLimit({
    store: new PostgresRateLimitStore(db, 'ingest'),
    windowMs: 60_000,
    limit: limits.ingestPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => {
      const p = (req.res?.locals.principal as Principal | undefined) ?? null;
      if (p?.kind === 'api_key') return `key:${p.keyId}`;
      if (p?.kind === 'user') return `user:${p.userId}`;
      return `ip:${clientIp(req)}`;
    },
    handler: tooMany('Too many ingest requests; slow down or send batches'),
  });
  // Only the routes the permission table marks as ingest are limited.
  return (req, res, next) => {
    const route = res.locals.route as { rule?: string } | undefined;
    if (route?.rule !== 'ingest') return next();
    return limiter(req, res, next);
  };
}
