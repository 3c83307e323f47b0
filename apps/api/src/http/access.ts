/**
 * Enforces the permission table (@wakeflow/auth `routePermissions`) for every /api request: public routes pass,
 * others need a principal (401) holding the route's permission (403), and browser requests must pass the CSRF
 * checks. A registered route missing from the table is refused to everyone but the single-user local mode, so a
 * new route is closed until someone classifies it. Requests to paths no route serves fall through to the 404.
 */
import type { RequestHandler, Router } from 'express';
import {
  compileRoutePattern,
  createRouteMatcher,
  routePermissions,
  type Principal,
  type RouteRule,
} from '@wakeflow/auth';
import type { AuthOptions } from './auth-config';
import { checkCsrfToken, checkOrigin } from './csrf';
import { HttpError } from './errors';
import { listRoutes } from './route-list';

export interface MatchedRoute {
  key: string;
  rule: RouteRule;
}

/** Links in messages are opened and posted (one-click unsubscribe) by mail clients, never with our Origin. */
const ORIGIN_EXEMPT = /^\/t\//;

export function enforceAccess(
  api: Router,
  options: AuthOptions,
  table: Record<string, RouteRule> = routePermissions,
): RequestHandler {
  const match = createRouteMatcher(table);
  let registered: { method: string; pattern: RegExp }[] | undefined;
  const isRegistered = (method: string, path: string) => {
    // Routes are all added by the time the first request arrives.
    registered ??= listRoutes(api).map((r) => ({ method: r.method, pattern: compileRoutePattern(r.path) }));
    const m = method === 'HEAD' ? 'GET' : method;
    return registered.some((r) => r.method === m && r.pattern.test(path));
  };

  return (req, res, next) => {
    const principal = (res.locals.principal as Principal | undefined) ?? null;
    const hit = match(req.method, req.path);
    if (!hit) {
      if (!isRegistered(req.method, req.path) || principal?.kind === 'local') return next();
      if (!principal) return next(new HttpError(401, 'sign_in_required', 'Sign in first'));
      return next(
        new HttpError(403, 'route_not_classified', 'This route has no entry in the permission table yet'),
      );
    }
    res.locals.route = hit satisfies MatchedRoute;
    if (principal?.kind !== 'api_key' && !ORIGIN_EXEMPT.test(req.path))
      checkOrigin(req, options.allowedOrigins);
    if (hit.rule === 'public') return next();
    if (!principal) return next(new HttpError(401, 'sign_in_required', 'Sign in first'));
    if (hit.rule !== 'signed_in' && !principal.permissions.has(hit.rule)) {
      return next(
        new HttpError(403, 'forbidden', `This needs the ${hit.rule} permission`, { required: hit.rule }),
      );
    }
    checkCsrfToken(req, principal);
    next();
  };
}
