/**
 * Ingest: customers (upsert by external id) and events (idempotent by event id), single and in batches of up to
 * 10,000. Events are stored with their follow-up work (coupons, conversions, journeys) in one statement and answered
 * with 202 at once; the outbox drainer does the work, kicked here and polled by the worker, so ingest never waits on
 * Temporal.
 */
import { Router } from 'express';
import { z } from 'zod';
import {
  customerBatchSchema,
  customerInputSchema,
  eventBatchSchema,
  eventInputSchema,
  type EventInput,
} from '@wakeflow/journey';
import { upsertCustomers } from '@wakeflow/audience';
import { createEventPipeline } from '@wakeflow/catalog';
import type { ApiDeps } from '../deps';
import { parseInput } from '../http/errors';
import { workspaceOf } from '../http/workspace';

export function ingestRoutes(deps: ApiDeps): Router {
  const { db } = deps;
  const router = Router();

  const pipeline = createEventPipeline({ db, onStored: () => deps.eventOutbox?.kick() });
  async function ingest(workspaceId: string, inputs: EventInput[]) {
    const { stored: _stored, ...summary } = await pipeline.ingest(workspaceId, inputs);
    return summary;
  }

  router.put('/customers/:externalId', async (req, res) => {
    const { externalId } = parseInput(z.object({ externalId: z.string().min(1) }), req.params, 'params');
    const body = parseInput(customerInputSchema.omit({ externalId: true }), req.body, 'body');
    const [customer] = await upsertCustomers(db, workspaceOf(res), [{ ...body, externalId }]);
    res.json({ customer });
  });

  router.post('/customers/batch', async (req, res) => {
    const body = parseInput(customerBatchSchema, req.body, 'body');
    const upserted = await upsertCustomers(db, workspaceOf(res), body.customers);
    res.json({ upserted: upserted.length });
  });

  router.post('/events', async (req, res) => {
    const event = parseInput(eventInputSchema, req.body, 'body');
    res.status(202).json(await ingest(workspaceOf(res), [event]));
  });

  router.post('/events/batch', async (req, res) => {
    const body = parseInput(eventBatchSchema, req.body, 'body');
    res.status(202).json(await ingest(workspaceOf(res), body.events));
  });

  return router;
}
