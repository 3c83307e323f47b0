/**
 * Ingest: customers (upsert by external id) and events (idempotent by event id), single and in batches of up to
 * 10,000. Events are stored with their follow-up work (coupons, conversions, journeys) in one statement and answered
 * with 202 at once; the outbox drainer does the work, kicked here and polled by the worker, so ingest never waits on
 * Temporal.
 */
import { Router } from 'express';
import type { EventInput } from '@wakeflow/journey';
import { ingestRoutes as contract } from '@wakeflow/contracts';
import { eventAmountIssues, loadAudienceSettings, upsertCustomers } from '@wakeflow/audience';
import { createEventPipeline } from '@wakeflow/catalog';
import type { ApiDeps } from '../deps';
import { answer } from '../http/answer';
import { invalidRequest, parseInput } from '../http/errors';
import { workspaceOf } from '../http/workspace';

export function ingestRoutes(deps: ApiDeps): Router {
  const { db } = deps;
  const router = Router();

  const pipeline = createEventPipeline({ db, onStored: () => deps.eventOutbox?.kick() });
  async function ingest(workspaceId: string, inputs: EventInput[]) {
    const { stored: _stored, ...summary } = await pipeline.ingest(workspaceId, inputs);
    return summary;
  }

  /** Amounts checked against the fact definitions before anything is stored; `pathOf` names the event's field. */
  async function refuseBadAmounts(
    workspaceId: string,
    events: readonly EventInput[],
    pathOf: (index: number, path: string) => string,
  ) {
    const issues = eventAmountIssues(await loadAudienceSettings(db, workspaceId), events);
    if (issues.length > 0) {
      throw invalidRequest(
        'body',
        issues.map((i) => ({ path: pathOf(i.index, i.path), message: i.message })),
      );
    }
  }

  router.put('/customers/:externalId', async (req, res) => {
    // The same external id rules as the batch route (trimmed, bounded), so one customer cannot become two.
    const { externalId } = parseInput(contract.upsertCustomer.params, req.params, 'params');
    const body = parseInput(contract.upsertCustomer.body, req.body, 'body');
    const [customer] = await upsertCustomers(db, workspaceOf(res), [{ ...body, externalId }]);
    answer(res, contract.upsertCustomer, 200, { customer: customer! });
  });

  router.post('/customers/batch', async (req, res) => {
    const body = parseInput(contract.upsertCustomers.body, req.body, 'body');
    const upserted = await upsertCustomers(db, workspaceOf(res), body.customers);
    answer(res, contract.upsertCustomers, 200, { upserted: upserted.length });
  });

  router.post('/events', async (req, res) => {
    const event = parseInput(contract.event.body, req.body, 'body');
    await refuseBadAmounts(workspaceOf(res), [event], (_i, path) => `body.${path}`);
    answer(res, contract.event, 202, await ingest(workspaceOf(res), [event]));
  });

  router.post('/events/batch', async (req, res) => {
    const body = parseInput(contract.events.body, req.body, 'body');
    await refuseBadAmounts(workspaceOf(res), body.events, (i, path) => `body.events.${i}.${path}`);
    answer(res, contract.events, 202, await ingest(workspaceOf(res), body.events));
  });

  return router;
}
