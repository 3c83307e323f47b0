/** A/B/n experiments on split steps: results with chance to beat control, settings, and the automatic-winner look. */
import { Router } from 'express';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import {
  ExperimentError,
  configureExperiment,
  evaluateExperiments,
  experimentResults,
  experimentSettingsSchema,
} from '@wakeflow/analytics';
import { journeys } from '@wakeflow/db';
import type { ApiDeps } from '../../deps';
import { HttpError, notFound, parseInput } from '../../http/errors';
import { workspaceOf } from '../../http/workspace';

const versionParams = z.object({
  id: z.uuid('Not a journey id'),
  version: z.coerce.number().int().positive('Not a version number'),
});
const stepParams = versionParams.extend({ stepId: z.string().min(1) });

function asHttp(error: unknown): never {
  if (error instanceof ExperimentError) {
    if (error.code === 'not_found') throw notFound('Version');
    throw new HttpError(400, 'invalid_request', error.message, {
      issues: [{ path: error.path ?? 'body', message: error.message }],
    });
  }
  throw error;
}

export function analyticsExperimentRoutes(deps: ApiDeps): Router {
  const { db } = deps;
  const router = Router();

  async function ensureJourney(workspaceId: string, id: string) {
    const [row] = await db
      .select({ id: journeys.id })
      .from(journeys)
      .where(and(eq(journeys.id, id), eq(journeys.workspaceId, workspaceId)));
    if (!row) throw notFound('Journey');
  }

  router.get('/journeys/:id/versions/:version/experiments', async (req, res) => {
    const { id, version } = parseInput(versionParams, req.params, 'params');
    await ensureJourney(workspaceOf(res), id);
    const results = await experimentResults(db, workspaceOf(res), id, version).catch(asHttp);
    res.json({ experiments: results });
  });

  router.put('/journeys/:id/versions/:version/experiments/:stepId', async (req, res) => {
    const { id, version, stepId } = parseInput(stepParams, req.params, 'params');
    const body = parseInput(experimentSettingsSchema, req.body, 'body');
    await ensureJourney(workspaceOf(res), id);
    const row = await configureExperiment(
      db,
      workspaceOf(res),
      { journeyId: id, version, splitStepId: stepId },
      body,
    ).catch(asHttp);
    res.json({ experiment: row });
  });

  router.post('/analytics/experiments/evaluate', async (_req, res) => {
    const changed = await evaluateExperiments(db, workspaceOf(res));
    res.json({ decided: changed });
  });

  return router;
}
