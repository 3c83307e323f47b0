/** A/B/n experiments on split steps: results with chance to beat control, settings, and the automatic-winner look. */
import { Router } from 'express';
import { and, eq } from 'drizzle-orm';
import {
  ExperimentError,
  configureExperiment,
  evaluateExperiments,
  experimentResults,
} from '@wakeflow/analytics';
import { journeys } from '@wakeflow/db';
import type { ApiDeps } from '../../deps';
import { analyticsRoutes as contract } from '@wakeflow/contracts';
import { answer } from '../../http/answer';
import { HttpError, notFound, parseInput } from '../../http/errors';
import { workspaceOf } from '../../http/workspace';

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
    const { id, version } = parseInput(contract.experiments.params, req.params, 'params');
    await ensureJourney(workspaceOf(res), id);
    const results = await experimentResults(db, workspaceOf(res), id, version).catch(asHttp);
    answer(res, contract.experiments, 200, { experiments: results });
  });

  router.put('/journeys/:id/versions/:version/experiments/:stepId', async (req, res) => {
    const { id, version, stepId } = parseInput(contract.configureExperiment.params, req.params, 'params');
    const body = parseInput(contract.configureExperiment.body, req.body, 'body');
    await ensureJourney(workspaceOf(res), id);
    const row = await configureExperiment(
      db,
      workspaceOf(res),
      { journeyId: id, version, splitStepId: stepId },
      body,
    ).catch(asHttp);
    answer(res, contract.configureExperiment, 200, { experiment: row });
  });

  router.post('/analytics/experiments/evaluate', async (_req, res) => {
    const changed = await evaluateExperiments(db, workspaceOf(res));
    answer(res, contract.evaluateExperiments, 200, { decided: changed });
  });

  return router;
}
