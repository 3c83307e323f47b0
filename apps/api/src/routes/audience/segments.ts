/**
 * Segments: CRUD, the live count behind the segment builder (`POST /segments/preview`), and the fields a
 * condition can use. Every definition is checked; problems come back as issues with the node path in the tree.
 */
import { Router } from 'express';
import { z } from 'zod';
import {
  createSegment,
  deleteSegment,
  getSegment,
  listConditionFields,
  listSegments,
  loadAudienceSettings,
  previewSegment,
  segmentCreateSchema,
  segmentIdSchema,
  segmentUpdateSchema,
  updateSegment,
} from '@wakeflow/audience';
import type { ApiDeps } from '../../deps';
import { parseInput } from '../../http/errors';
import { workspaceOf } from '../../http/workspace';
import { audienceErrors } from './errors';

const idParams = z.object({ id: segmentIdSchema });
const previewBody = z.object({
  definition: z.unknown(),
  sampleSize: z.number().int().min(0).max(100).default(20),
  /** When previewing an edit of a saved segment: references back to it are reported as cycles. */
  segmentId: segmentIdSchema.optional(),
});

export function segmentRoutes(deps: ApiDeps): Router {
  const { db } = deps;
  const router = Router();

  router.get('/segments', async (_req, res) => {
    res.json({ segments: await listSegments(db, workspaceOf(res)) });
  });

  router.get('/segments/fields', async (_req, res) => {
    res.json({ fields: listConditionFields(await loadAudienceSettings(db, workspaceOf(res))) });
  });

  router.post('/segments/preview', async (req, res) => {
    const body = parseInput(previewBody, req.body, 'body');
    const preview = await audienceErrors(() =>
      previewSegment(db, workspaceOf(res), body.definition, {
        sampleSize: body.sampleSize,
        ...(body.segmentId ? { selfId: body.segmentId } : {}),
      }),
    );
    res.json(preview);
  });

  router.post('/segments', async (req, res) => {
    const body = parseInput(segmentCreateSchema, req.body, 'body');
    res.status(201).json({ segment: await audienceErrors(() => createSegment(db, workspaceOf(res), body)) });
  });

  router.get('/segments/:id', async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    res.json({ segment: await audienceErrors(() => getSegment(db, workspaceOf(res), id)) });
  });

  router.patch('/segments/:id', async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    const body = parseInput(segmentUpdateSchema, req.body, 'body');
    res.json({ segment: await audienceErrors(() => updateSegment(db, workspaceOf(res), id, body)) });
  });

  router.delete('/segments/:id', async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    await audienceErrors(() => deleteSegment(db, workspaceOf(res), id));
    res.status(204).end();
  });

  return router;
}
