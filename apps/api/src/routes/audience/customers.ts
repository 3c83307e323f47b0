/**
 * The customers page's API: search, one customer's profile (traits, facts, timeline, journeys), and CSV import of
 * customers and events with a per-row error report.
 */
import express, { Router } from 'express';
import { getCustomerProfile, importCustomersCsv, importEventsCsv, searchCustomers } from '@wakeflow/audience';
import { createEventPipeline } from '@wakeflow/catalog';
import type { ApiDeps } from '../../deps';
import { customerRoutes as contract } from '@wakeflow/contracts';
import { answer } from '../../http/answer';
import { HttpError, notFound, parseInput } from '../../http/errors';
import { workspaceOf } from '../../http/workspace';

// CSV files are sent as the raw body (text/csv); 200 MB is about two million event rows.
const csvBody = express.text({ type: ['text/csv', 'text/plain', 'application/csv'], limit: '200mb' });

function csvText(body: unknown): string {
  if (typeof body !== 'string' || body.length === 0) {
    throw new HttpError(
      415,
      'csv_expected',
      'Send the CSV file as the request body with Content-Type: text/csv',
    );
  }
  return body;
}

export function customerRoutes(deps: ApiDeps): Router {
  const { db } = deps;
  const router = Router();
  // Imported events take the same path as events sent to the ingest API: waiting runs hear them, triggers fire.
  const pipeline = createEventPipeline({ db, onStored: () => deps.eventOutbox?.kick() });

  router.get('/customers', async (req, res) => {
    const q = parseInput(contract.search.query, req.query, 'query');
    answer(
      res,
      contract.search,
      200,
      await searchCustomers(db, workspaceOf(res), {
        limit: q.limit,
        ...(q.q ? { q: q.q } : {}),
        ...(q.after ? { after: q.after } : {}),
      }),
    );
  });

  router.get('/customers/:id', async (req, res) => {
    const { id } = parseInput(contract.profile.params, req.params, 'params');
    const profile = await getCustomerProfile(db, workspaceOf(res), id);
    if (!profile) throw notFound('Customer');
    answer(res, contract.profile, 200, { customer: profile });
  });

  // 200 even with bad rows: the report lists them; 422 only when the header was refused and nothing was stored.
  router.post('/customers/import', csvBody, async (req, res) => {
    const report = await importCustomersCsv(db, workspaceOf(res), csvText(req.body));
    answer(res, contract.importCustomers, report.rejected ? 422 : 200, report);
  });

  router.post('/events/import', csvBody, async (req, res) => {
    const report = await importEventsCsv(db, workspaceOf(res), csvText(req.body), {
      ingest: async (workspaceId, batch) => pipeline.ingest(workspaceId, batch),
    });
    answer(res, contract.importEvents, report.rejected ? 422 : 200, report);
  });

  return router;
}
