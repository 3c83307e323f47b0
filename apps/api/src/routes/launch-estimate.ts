/**
 * `GET /api/journeys/:id/draft/launch-estimate`: what publishing the draft would do now — who enters at once, by
 * holdout and arm, the first touch's messages per channel as the sending rules decide them, and their cost — for the
 * launch confirmation. Reads only (@wakeflow/catalog/dry-run's `estimateLaunch`).
 */
import { Router } from 'express';
import { and, eq } from 'drizzle-orm';
import { journeyIdParams, launchEstimateRoutes as contract } from '@wakeflow/contracts';
import { journeys } from '@wakeflow/db';
import { compileJourney, JourneyInvalidError, type Plan } from '@wakeflow/journey';
import { estimateLaunch } from '@wakeflow/catalog/dry-run';
import { answer } from '../http/answer';
import { notFound, parseInput } from '../http/errors';
import { workspaceOf } from '../http/workspace';
import { journeyInvalid, validationContext } from '../journeys/publish';
import { channelOptions, type ChannelApiDeps } from './channels/context';

export function launchEstimateRoutes(deps: ChannelApiDeps): Router {
  const { db, catalog } = deps;
  const router = Router();
  const { keys, publicBaseUrl } = channelOptions(deps);

  router.get('/journeys/:id/draft/launch-estimate', async (req, res) => {
    const { id } = parseInput(journeyIdParams, req.params, 'params');
    const workspaceId = workspaceOf(res);
    const [journey] = await db
      .select({ draftGraph: journeys.draftGraph, draftSettings: journeys.draftSettings })
      .from(journeys)
      .where(and(eq(journeys.id, id), eq(journeys.workspaceId, workspaceId)));
    if (!journey) throw notFound('Journey');
    let plan: Plan;
    try {
      plan = compileJourney(
        journey.draftGraph,
        journey.draftSettings,
        catalog,
        await validationContext(db, workspaceId),
      );
    } catch (error) {
      // A draft that cannot be published has nothing to estimate: the same problems publish would name.
      if (error instanceof JourneyInvalidError) throw journeyInvalid(error.problems);
      throw error;
    }
    const estimate = await estimateLaunch(
      { db, catalog, links: { keys, publicBaseUrl } },
      { workspaceId, journeyId: id, plan },
    );
    answer(res, contract.draft, 200, estimate);
  });

  return router;
}
