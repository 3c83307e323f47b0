/** The node catalog, journey templates and event names: what the editor builds its palette, forms and pickers from. */
import { Router } from 'express';
import { eq, sql } from 'drizzle-orm';
import { knownEventNames } from '@wakeflow/journey';
import { events } from '@wakeflow/db';
import { workspaceOf } from '../http/workspace';
import { journeyTemplates } from '@wakeflow/catalog';
import { catalogRoutes as contract } from '@wakeflow/contracts';
import type { ApiDeps } from '../deps';
import { answer } from '../http/answer';

export function catalogRoutes(deps: ApiDeps): Router {
  const router = Router();
  const described = deps.catalog.describe();
  router.get('/node-catalog', (_req, res) => {
    answer(res, contract.nodeCatalog, 200, { nodes: described });
  });
  router.get('/journey-templates', (_req, res) => {
    answer(res, contract.journeyTemplates, 200, {
      templates: journeyTemplates.map((t) => ({
        id: t.id,
        name: t.name,
        description: t.description,
        graph: t.graph,
        settings: t.settings,
        requires: t.requires,
      })),
    });
  });
  /** Event names for pickers: the ones the product knows plus every name this workspace has seen. */
  router.get('/event-names', async (_req, res) => {
    const seen = await deps.db
      .selectDistinct({ name: events.name })
      .from(events)
      .where(eq(events.workspaceId, workspaceOf(res)))
      .orderBy(sql`1`)
      .limit(500);
    answer(res, contract.eventNames, 200, {
      events: [...new Set([...knownEventNames, ...seen.map((r) => r.name)])].sort(),
    });
  });

  return router;
}
