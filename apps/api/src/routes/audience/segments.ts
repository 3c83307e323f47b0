/**
 * Segments: CRUD, the live count behind the segment builder (`POST /segments/preview`), and the fields a
 * condition can use. Every definition is checked; problems come back as issues with the node path in the tree.
 */
import { Router } from 'express';
import {
  createSegment,
  deleteSegment,
  getSegment,
  listConditionFields,
  listSegments,
  loadAudienceSettings,
  previewSegment,
  updateSegment,
} from '@wakeflow/audience';
import type { ApiDeps } from '../../deps';
import { segmentRoutes as contract } from '@wakeflow/contracts';
import { answer } from '../../http/answer';
import { parseInput } from '../../http/errors';
import { workspaceOf } from '../../http/workspace';
import { assertUnused } from '../../journeys/references';
import { audienceErrors } from './errors';

export function segmentRoutes(deps: ApiDeps): Router {
  const { db } = deps;
  const router = Router();

  router.get('/segments', async (_req, res) => {
    answer(res, contract.list, 200, { segments: await listSegments(db, workspaceOf(res)) });
  });

  router.get('/segments/fields', async (_req, res) => {
    answer(res, contract.fields, 200, {
      fields: listConditionFields(await loadAudienceSettings(db, workspaceOf(res))),
    });
  });

  router.post('/segments/preview', async (req, res) => {
    const body = parseInput(contract.preview.body, req.body, 'body');
    const preview = await audienceErrors(() =>
      previewSegment(db, workspaceOf(res), body.definition, {
        sampleSize: body.sampleSize,
        ...(body.segmentId ? { selfId: body.segmentId } : {}),
      }),
    );
    answer(res, contract.preview, 200, preview);
  });

  router.post('/segments', async (req, res) => {
    const body = parseInput(contract.create.body, req.body, 'body');
    answer(res, contract.create, 201, {
      segment: await audienceErrors(() => createSegment(db, workspaceOf(res), body)),
    });
  });

  router.get('/segments/:id', async (req, res) => {
    const { id } = parseInput(contract.get.params, req.params, 'params');
    answer(res, contract.get, 200, {
      segment: await audienceErrors(() => getSegment(db, workspaceOf(res), id)),
    });
  });

  router.patch('/segments/:id', async (req, res) => {
    const { id } = parseInput(contract.get.params, req.params, 'params');
    const body = parseInput(contract.update.body, req.body, 'body');
    answer(res, contract.update, 200, {
      segment: await audienceErrors(() => updateSegment(db, workspaceOf(res), id, body)),
    });
  });

  router.delete('/segments/:id', async (req, res) => {
    const { id } = parseInput(contract.get.params, req.params, 'params');
    const segment = await audienceErrors(() => getSegment(db, workspaceOf(res), id));
    await assertUnused(
      db,
      deps.catalog,
      workspaceOf(res),
      { kind: 'segment', id },
      `The segment “${segment.name}”`,
    );
    await audienceErrors(() => deleteSegment(db, workspaceOf(res), id));
    res.status(204).end();
  });

  return router;
}
