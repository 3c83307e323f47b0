/**
 * Audience-wide views and settings: the dormancy overview (stage × value tier) and its daily history, the workspace's fact definitions
 * (with the facts rebuild they start), an on-demand RFM recompute, and the progress of a journey's audience sweeps.
 */
import { Router } from 'express';
import { and, desc, eq } from 'drizzle-orm';
import {
  dormancyHistory,
  dormancyOverview,
  eventDefinitionsChanged,
  factsRebuildStatus,
  loadAudienceSettings,
  recomputeRfm,
  saveAudienceSettings,
  startFactsRebuild,
} from '@wakeflow/audience';
import { audienceSweeps, journeys } from '@wakeflow/db';
import type { ApiDeps } from '../../deps';
import { audienceRoutes as contract } from '@wakeflow/contracts';
import { answer } from '../../http/answer';
import { HttpError, notFound, parseInput } from '../../http/errors';
import { workspaceOf } from '../../http/workspace';

export function audienceOverviewRoutes(deps: ApiDeps): Router {
  const { db } = deps;
  const router = Router();

  router.get('/audience/dormancy', async (_req, res) => {
    answer(res, contract.dormancy, 200, await dormancyOverview(db, workspaceOf(res)));
  });

  router.get('/audience/dormancy/history', async (req, res) => {
    const query = parseInput(contract.dormancyHistory.query, req.query, 'query');
    answer(
      res,
      contract.dormancyHistory,
      200,
      await dormancyHistory(db, workspaceOf(res), {
        ...(query.from ? { from: query.from } : {}),
        ...(query.to ? { to: query.to } : {}),
        ...(query.tier ? { tier: query.tier } : {}),
      }),
    );
  });

  router.get('/audience/settings', async (_req, res) => {
    answer(res, contract.settings, 200, { settings: await loadAudienceSettings(db, workspaceOf(res)) });
  });

  router.put('/audience/settings', async (req, res) => {
    const body = parseInput(contract.saveSettings.body, req.body, 'body');
    const workspaceId = workspaceOf(res);
    const before = await loadAudienceSettings(db, workspaceId);
    const settings = await saveAudienceSettings(db, workspaceId, body);
    // Stored facts follow the event definitions; rebuilding them can take long, so it runs on Temporal, not here.
    // Saved first: the rebuild reads the stored settings, and ingest from now on applies the new ones.
    const rebuild = eventDefinitionsChanged(before, settings) ? await startRebuild(workspaceId) : null;
    answer(res, contract.saveSettings, 200, { settings, rebuild });
  });

  router.get('/audience/facts/rebuild', async (_req, res) => {
    answer(res, contract.factsRebuild, 200, {
      rebuild: await factsRebuildStatus(deps.temporal, workspaceOf(res)),
    });
  });

  /** Starts a rebuild by hand, e.g. when starting it after a settings change failed. */
  router.post('/audience/facts/rebuild', async (_req, res) => {
    answer(res, contract.startFactsRebuild, 202, { rebuild: await startRebuild(workspaceOf(res)) });
  });

  async function startRebuild(workspaceId: string): Promise<{ workflowId: string }> {
    try {
      const { workflowId } = await startFactsRebuild(deps.temporal, { workspaceId });
      return { workflowId };
    } catch (error) {
      deps.logger.error({ err: error, workspaceId }, 'could not start the facts rebuild');
      throw new HttpError(
        503,
        'rebuild_not_started',
        'Could not start rebuilding the facts (any settings were saved); start it with POST /api/audience/facts/rebuild',
        {},
      );
    }
  }

  router.post('/audience/rfm/recompute', async (_req, res) => {
    answer(res, contract.recomputeRfm, 200, await recomputeRfm(db, workspaceOf(res)));
  });

  router.get('/journeys/:id/sweeps', async (req, res) => {
    const { id } = parseInput(contract.sweeps.params, req.params, 'params');
    const { limit } = parseInput(contract.sweeps.query, req.query, 'query');
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
    answer(res, contract.sweeps, 200, { sweeps });
  });

  return router;
}
