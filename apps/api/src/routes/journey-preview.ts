/**
 * `POST /api/journeys/:id/preview`: one customer's path through a draft or a published version, on the journey
 * machine with the dry-run services (@wakeflow/catalog/dry-run). Reads only: nothing is sent, no run, step or
 * message row is written.
 */
import { Router } from 'express';
import { and, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { SecretKeys } from '@wakeflow/channels';
import { journeyIdParams, journeyPreviewRoutes as contract, type JourneyPreview } from '@wakeflow/contracts';
import { journeyVersions, journeys } from '@wakeflow/db';
import { compileJourney, JourneyInvalidError, planSchema, type Plan } from '@wakeflow/journey';
import { PreviewCustomerNotFoundError, previewJourneyPath } from '@wakeflow/catalog/dry-run';
import { answer } from '../http/answer';
import { HttpError, notFound, parseInput } from '../http/errors';
import { workspaceOf } from '../http/workspace';
import { journeyInvalid, validationContext } from '../journeys/publish';
import { channelOptions, type ChannelApiDeps } from './channels/context';

export type JourneyPreviewDeps = Pick<ChannelApiDeps, 'db' | 'catalog'> & {
  links: { keys: SecretKeys; publicBaseUrl: string };
};

/** The route's work, apart from HTTP: what `pnpm bench preview` times. */
export async function answerJourneyPreview(
  deps: JourneyPreviewDeps,
  workspaceId: string,
  journeyId: string,
  body: z.output<typeof contract.preview.body>,
): Promise<JourneyPreview> {
  const { db, catalog } = deps;
  const [journey] = await db
    .select({ draftGraph: journeys.draftGraph, draftSettings: journeys.draftSettings })
    .from(journeys)
    .where(and(eq(journeys.id, journeyId), eq(journeys.workspaceId, workspaceId)));
  if (!journey) throw notFound('Journey');

  let plan: Plan;
  if (body.version !== undefined) {
    const [version] = await db
      .select({ plan: journeyVersions.plan })
      .from(journeyVersions)
      .where(
        and(
          eq(journeyVersions.workspaceId, workspaceId),
          eq(journeyVersions.journeyId, journeyId),
          eq(journeyVersions.version, body.version),
        ),
      );
    if (!version) throw notFound('Version');
    plan = planSchema.parse(version.plan);
  } else {
    try {
      plan = compileJourney(
        body.graph ?? journey.draftGraph,
        body.settings ?? journey.draftSettings,
        catalog,
        await validationContext(db, workspaceId),
      );
    } catch (error) {
      if (error instanceof JourneyInvalidError) throw journeyInvalid(error.problems);
      throw error;
    }
  }

  try {
    return await previewJourneyPath(
      { db, catalog, links: deps.links },
      {
        workspaceId,
        journeyId,
        version: body.version ?? null,
        plan,
        customer: body.customer ? { described: body.customer } : { externalId: body.externalId ?? '' },
        startAt: body.startAt ? new Date(body.startAt) : new Date(),
        ...(body.entryEvent ? { entryEvent: body.entryEvent } : {}),
        timeline: body.timeline,
        answers: body.answers,
        ...(body.holdout !== undefined ? { holdout: body.holdout } : {}),
      },
    );
  } catch (error) {
    if (error instanceof PreviewCustomerNotFoundError)
      throw new HttpError(404, 'not_found', error.message, {
        issues: [{ path: 'body.externalId', message: error.message }],
      });
    throw error;
  }
}

export function journeyPreviewRoutes(deps: ChannelApiDeps): Router {
  const router = Router();
  const { keys, publicBaseUrl } = channelOptions(deps);

  router.post('/journeys/:id/preview', async (req, res) => {
    const { id } = parseInput(journeyIdParams, req.params, 'params');
    const body = parseInput(contract.preview.body, req.body ?? {}, 'body');
    const preview = await answerJourneyPreview(
      { db: deps.db, catalog: deps.catalog, links: { keys, publicBaseUrl } },
      workspaceOf(res),
      id,
      body,
    );
    answer(res, contract.preview, 200, preview);
  });

  return router;
}
