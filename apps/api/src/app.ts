/** The Express app: security headers, JSON bodies, the workspace, the route modules, clean errors. */
import express from 'express';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ApiDeps } from './deps';
import { errorHandler, unknownRoute } from './http/errors';
import { resolveWorkspace } from './http/workspace';
import { routeModules } from './routes/index';

export function createApp(deps: ApiDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(helmet({ contentSecurityPolicy: false }));
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });

  const api = express.Router();
  // 10,000 events per batch fit comfortably in 20 MB.
  api.use(express.json({ limit: '20mb' }));
  api.use(resolveWorkspace(deps.db, deps.defaultWorkspaceId));
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
