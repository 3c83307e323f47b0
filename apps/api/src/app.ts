/**
 * The Express app: the local-mode Host check, security headers, the principal and its workspace, the permission
 * table, rate and size limits, the audit trail, the route modules, clean errors.
 */
import express from 'express';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { enforceAccess } from './http/access';
import { auditTrail } from './http/audit-trail';
import { resolveAuthOptions, type AuthApiDeps } from './http/auth-config';
import { jsonBodies } from './http/body-limits';
import { errorHandler, unknownRoute } from './http/errors';
import { localModeHostCheck } from './http/host-check';
import { ingestRateLimit } from './http/rate-limits';
import { resolveWorkspace } from './http/workspace';
import { routeModules } from './routes/index';
import { createOutboxDrainer } from '@wakeflow/catalog';
// The web app's policy, shared with its Vite dev server so the two cannot drift apart.
import { contentSecurityPolicy, securityHeaders } from '../../web/security-headers';

/** Express `trust proxy` from WAKEFLOW_TRUSTED_PROXIES: without a configured proxy, X-Forwarded-For is ignored. */
function trustProxies(app: express.Express, proxies: readonly string[]): void {
  try {
    app.set('trust proxy', proxies.length > 0 ? [...proxies] : false);
  } catch (error) {
    throw new Error(
      `WAKEFLOW_TRUSTED_PROXIES must list IP addresses, CIDR ranges or loopback/linklocal/uniquelocal: ${
        error instanceof Error ? error.message : String(error)
      }`,
      { cause: error },
    );
  }
}

export function createApp(given: AuthApiDeps): express.Express {
  // Resolved once, so every module sees the same options (and one OIDC client).
  const auth = resolveAuthOptions(given);
  const eventOutbox =
    given.eventOutbox ?? createOutboxDrainer({ db: given.db, router: given.events, logger: given.logger });
  const deps: AuthApiDeps = { ...given, auth, eventOutbox };
  const app = express();
  app.disable('x-powered-by');
  trustProxies(app, auth.trustedProxies);
  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy },
      // Sent below from the shared module instead.
      xContentTypeOptions: false,
      referrerPolicy: false,
      xFrameOptions: false,
    }),
  );
  app.use((_req, res, next) => {
    res.set(securityHeaders);
    next();
  });
  app.use(localModeHostCheck(auth));
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });

  const api = express.Router();
  api.use(resolveWorkspace(deps.db, deps.defaultWorkspaceId, auth));
  api.use(enforceAccess(api, auth));
  api.use(ingestRateLimit(deps.db, auth.limits));
  api.use(jsonBodies());
  api.use(auditTrail(deps.db, deps.logger));
  for (const module of routeModules) api.use(module(deps));
  api.use(unknownRoute);
  app.use('/api', api);

  if (deps.webDist && existsSync(deps.webDist)) {
    app.use(express.static(deps.webDist));
    // The editor routes on the client: every other GET gets the app shell.
    app.get(/^\/(?!api\/).*/, (_req, res) => res.sendFile(path.join(deps.webDist!, 'index.html')));
  }
  app.use(unknownRoute);
  app.use(errorHandler(deps.logger));
  return app;
}
