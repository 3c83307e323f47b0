/**
 * Ingest: customers (upsert by external id) and events (idempotent by event id), single and in batches of up to
 * 10,000. Newly stored events are routed to journeys at once: waiting runs are signalled, event triggers start runs.
 */
import { Router } from 'express';
import { z } from 'zod';
import { customerBatchSchema, customerInputSchema, eventBatchSchema, eventInputSchema, type EventInput } from '@wakeflow/journey';
import { ingestEvents, upsertCustomers } from '@wakeflow/audience';
import type { ApiDeps } from '../deps';
import { parseInput } from '../http/errors';
import { workspaceOf } from '../http/workspace';

export function ingestRoutes(deps: ApiDeps): Router {
  const { db } = deps;
  const router = Router();

  async function ingest(workspaceId: string, inputs: EventInput[]) {
    const result = await ingestEvents(db, workspaceId, inputs);
    const routing = await deps.events.route(
      result.accepted.map((e) => ({
        workspaceId,
        customerId: e.customerId,
        eventId: e.eventId,
        name: e.name,
        properties: e.properties,
        occurredAt: new Date(e.occurredAt),
      })),
    );
    return {
      accepted: result.accepted.length,
      duplicates: result.duplicates,
      unknownCustomers: result.accepted.filter((e) => e.customerId === null).length,
      signalled: routing.signalled,
      started: routing.started,
    };
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
