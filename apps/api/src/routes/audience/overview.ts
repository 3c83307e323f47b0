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
import { audienceSweeps, journeyVersions, journeys } from '@wakeflow/db';
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

  /** The live audience trigger's interval, or null (not live, or another trigger). */
  async function audienceJourney(workspaceId: string, id: string) {
    const [row] = await db
      .select({ status: journeys.status, plan: journeyVersions.plan })
      .from(journeys)
      .leftJoin(
        journeyVersions,
        and(eq(journeyVersions.journeyId, journeys.id), eq(journeyVersions.version, journeys.liveVersion)),
      )
      .where(and(eq(journeys.id, id), eq(journeys.workspaceId, workspaceId)));
    if (!row) throw notFound('Journey');
    const trigger = (row.plan as { trigger?: { type?: string; config?: { everyMinutes?: unknown } } } | null)
      ?.trigger;
    const everyMinutes =
      row.status === 'live' &&
      trigger?.type === 'audience_trigger' &&
      typeof trigger.config?.everyMinutes === 'number'
        ? trigger.config.everyMinutes
        : null;
    return { everyMinutes };
  }

  router.get('/journeys/:id/audience-check', async (req, res) => {
    const { id } = parseInput(contract.audienceCheck.params, req.params, 'params');
    const workspaceId = workspaceOf(res);
    const { everyMinutes } = await audienceJourney(workspaceId, id);
    const [last] = await db
      .select()
      .from(audienceSweeps)
      .where(and(eq(audienceSweeps.workspaceId, workspaceId), eq(audienceSweeps.journeyId, id)))
      .orderBy(desc(audienceSweeps.id))
      .limit(1);
    let nextAt: Date | null = null;
    if (everyMinutes !== null) {
      try {
        nextAt = (await deps.schedules?.nextCheck({ workspaceId, journeyId: id })) ?? null;
      } catch (error) {
        // The rest of the answer stands without Temporal.
        deps.logger.warn(
          { err: error, journeyId: id },
          'next audience check unknown: Temporal did not answer',
        );
      }
    }
    answer(res, contract.audienceCheck, 200, {
      everyMinutes,
      nextAt: nextAt?.toISOString() ?? null,
      last: last
        ? {
            status: last.status,
            reason: last.reason,
            startedAt: last.startedAt.toISOString(),
            finishedAt: last.finishedAt?.toISOString() ?? null,
            matched: last.matched,
            started: last.started,
          }
        : null,
    });
  });

  router.post('/journeys/:id/audience-check', async (req, res) => {
    const { id } = parseInput(contract.checkAudienceNow.params, req.params, 'params');
    const workspaceId = workspaceOf(res);
    const { everyMinutes } = await audienceJourney(workspaceId, id);
    if (everyMinutes === null)
      throw new HttpError(
        409,
        'no_audience_check',
        'Only a live journey with an audience trigger has an audience check',
        {},
      );
    const triggered = await deps.schedules?.checkNow({ workspaceId, journeyId: id });
    if (!triggered)
      throw new HttpError(
        503,
        'schedule_missing',
        "The journey's audience schedule does not exist yet; the worker creates it within 10 minutes",
        {},
      );
    answer(res, contract.checkAudienceNow, 202, { triggered: true });
  });

  return router;
}
