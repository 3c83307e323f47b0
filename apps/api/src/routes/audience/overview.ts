/**
 * Audience-wide views and settings: the dormancy overview (stage × value tier) and its daily history, the workspace's fact definitions
 * (with the facts rebuild they start), an on-demand RFM recompute, and the progress of a journey's audience sweeps.
 */
import { Router } from 'express';
import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import {
  audienceSettingsSchema,
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
import { HttpError, notFound, parseInput } from '../../http/errors';
import { workspaceOf } from '../../http/workspace';

/** A real calendar day (2026-02-30 is refused, not rolled over). */
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use YYYY-MM-DD')
  .refine((v) => {
    const parsed = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === v;
  }, 'Not a calendar day');

const MAX_HISTORY_DAYS = 3660;

const historyQuery = z
  .object({
    from: day.optional(),
    to: day.optional(),
    tier: z.enum(['high', 'mid', 'low', 'unscored'], { error: 'Use high, mid, low or unscored' }).optional(),
  })
  .superRefine((q, ctx) => {
    if (!q.from) return;
    const to = q.to ?? new Date().toISOString().slice(0, 10);
    const span = (Date.parse(to) - Date.parse(q.from)) / 86_400_000;
    if (span < 0)
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'Must not be after to (default today)' });
    else if (span >= MAX_HISTORY_DAYS)
      ctx.addIssue({ code: 'custom', path: ['from'], message: `At most ${MAX_HISTORY_DAYS} days before to` });
  });

export function audienceOverviewRoutes(deps: ApiDeps): Router {
  const { db } = deps;
  const router = Router();

  router.get('/audience/dormancy', async (_req, res) => {
    res.json(await dormancyOverview(db, workspaceOf(res)));
  });

  router.get('/audience/dormancy/history', async (req, res) => {
    const query = parseInput(historyQuery, req.query, 'query');
    res.json(
      await dormancyHistory(db, workspaceOf(res), {
        ...(query.from ? { from: query.from } : {}),
        ...(query.to ? { to: query.to } : {}),
        ...(query.tier ? { tier: query.tier } : {}),
      }),
    );
  });

  router.get('/audience/settings', async (_req, res) => {
    res.json({ settings: await loadAudienceSettings(db, workspaceOf(res)) });
  });

  router.put('/audience/settings', async (req, res) => {
    const body = parseInput(audienceSettingsSchema, req.body, 'body');
    const workspaceId = workspaceOf(res);
    const before = await loadAudienceSettings(db, workspaceId);
    const settings = await saveAudienceSettings(db, workspaceId, body);
    // Stored facts follow the event definitions; rebuilding them can take long, so it runs on Temporal, not here.
    // Saved first: the rebuild reads the stored settings, and ingest from now on applies the new ones.
    const rebuild = eventDefinitionsChanged(before, settings) ? await startRebuild(workspaceId) : null;
    res.json({ settings, rebuild });
  });

  router.get('/audience/facts/rebuild', async (_req, res) => {
    res.json({ rebuild: await factsRebuildStatus(deps.temporal, workspaceOf(res)) });
  });

  /** Starts a rebuild by hand, e.g. when starting it after a settings change failed. */
  router.post('/audience/facts/rebuild', async (_req, res) => {
    res.status(202).json({ rebuild: await startRebuild(workspaceOf(res)) });
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
    res.json(await recomputeRfm(db, workspaceOf(res)));
  });

  router.get('/journeys/:id/sweeps', async (req, res) => {
    const { id } = parseInput(z.object({ id: z.uuid() }), req.params, 'params');
    const { limit } = parseInput(
      z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
      req.query,
      'query',
    );
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
