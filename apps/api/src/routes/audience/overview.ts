/**
 * Audience-wide views and settings: the dormancy overview (stage × value tier), the workspace's fact definitions,
 * an on-demand RFM recompute, and the progress of a journey's audience sweeps.
 */
import { Router } from 'express';
import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { audienceSettingsSchema, dormancyOverview, loadAudienceSettings, recomputeRfm, saveAudienceSettings } from '@wakeflow/audience';
import { audienceSweeps, journeys } from '@wakeflow/db';
import type { ApiDeps } from '../../deps';
import { notFound, parseInput } from '../../http/errors';
import { workspaceOf } from '../../http/workspace';

export function audienceOverviewRoutes(deps: ApiDeps): Router {
  const { db } = deps;
  const router = Router();

  router.get('/audience/dormancy', async (_req, res) => {
    res.json(await dormancyOverview(db, workspaceOf(res)));
  });

  router.get('/audience/settings', async (_req, res) => {
    res.json({ settings: await loadAudienceSettings(db, workspaceOf(res)) });
  });

  router.put('/audience/settings', async (req, res) => {
    const body = parseInput(audienceSettingsSchema, req.body, 'body');
    res.json({ settings: await saveAudienceSettings(db, workspaceOf(res), body) });
  });

  router.post('/audience/rfm/recompute', async (_req, res) => {
    res.json(await recomputeRfm(db, workspaceOf(res)));
  });

  router.get('/journeys/:id/sweeps', async (req, res) => {
    const { id } = parseInput(z.object({ id: z.uuid() }), req.params, 'params');
    const { limit } = parseInput(z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }), req.query, 'query');
    const workspaceId = workspaceOf(res);
    // Another workspace's journey (or none) is a 404, not an empty list.
    const [journey] = await db
      .select({ id: journeys.id })
      .from(journeys)
      .where(and(eq(journeys.id, id), eq(journeys.workspaceId, workspaceId)));
    if (!journey) throw notFound('Journey');
    const sweeps = await db
      .select()
      .from(audienceSweeps)
      .where(and(eq(audienceSweeps.workspaceId, workspaceId), eq(audienceSweeps.journeyId, id)))
      .orderBy(desc(audienceSweeps.startedAt))
      .limit(limit);
    res.json({ sweeps });
  });

  return router;
}
