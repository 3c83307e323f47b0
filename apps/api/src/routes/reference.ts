/**
 * The API reference: the OpenAPI 3.1 document generated from @wakeflow/contracts, served at `/api/openapi.json`
 * for the web app's reference page and for integrators' tools. Built once, on first request.
 */
import { Router } from 'express';
import { apiRoutes } from '@wakeflow/contracts';
import { buildOpenApiDocument, type OpenApiDocument } from '@wakeflow/contracts/openapi';
import { routePermissions, type RouteRule } from '@wakeflow/auth';
import type { ApiDeps } from '../deps';

const accessTable: Readonly<Record<string, RouteRule | undefined>> = routePermissions;

/** The document this server describes; each route says what it needs, from the permission table. */
export function apiReferenceDocument(): OpenApiDocument {
  return buildOpenApiDocument(apiRoutes, {
    version: '0.1.0',
    accessOf: (route) => accessTable[`${route.method.toUpperCase()} ${route.path}`],
  });
}

export function referenceRoutes(_deps: ApiDeps): Router {
  const router = Router();
  let document: OpenApiDocument | undefined;
  router.get('/openapi.json', (_req, res) => {
    document ??= apiReferenceDocument();
    res.json(document);
  });
  return router;
}
