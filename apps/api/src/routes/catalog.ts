/** The node catalog and journey templates: what the editor builds its palette, forms and "start from" list from. */
import { Router } from 'express';
import { journeyTemplates } from '@wakeflow/nodes';
import type { ApiDeps } from '../deps';

export function catalogRoutes(deps: ApiDeps): Router {
  const router = Router();
  const described = deps.catalog.describe();
  router.get('/node-catalog', (_req, res) => {
    res.json({ nodes: described });
  });
  router.get('/journey-templates', (_req, res) => {
    res.json({
      templates: journeyTemplates.map((t) => ({ id: t.id, name: t.name, description: t.description, graph: t.graph, settings: t.settings, requires: t.requires })),
    });
  });
  return router;
}
