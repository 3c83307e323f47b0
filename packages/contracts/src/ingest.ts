/**
 * Ingest: customers (upsert by external id) and events (idempotent by event id), single and in batches of up to
 * 10,000. The input schemas are the domain's own (@wakeflow/journey), so what the API accepts is what the core
 * stores.
 */
import { z } from 'zod';
import {
  customerBatchSchema,
  customerInputSchema,
  eventBatchSchema,
  eventInputSchema,
  externalIdSchema,
} from '@wakeflow/journey';
import { defineRoute } from './route';

export const customerUpsertBodySchema = customerInputSchema.omit({ externalId: true });

export const upsertedCustomerSchema = z.object({
  id: z.string(),
  externalId: z.string(),
  created: z.boolean(),
});

/** Ingest answers at once; routing into journeys happens after, so it says nothing about runs. */
export const ingestSummarySchema = z.object({
  accepted: z.number(),
  /** Events whose id was seen before: idempotent, not stored again. */
  duplicates: z.number(),
  unknownCustomers: z.number(),
});

const tag = 'Ingest';

export const ingestRoutes = {
  upsertCustomer: defineRoute({
    method: 'put',
    path: '/customers/:externalId',
    tag,
    summary: 'Create or update a customer by your id',
    params: z.object({ externalId: externalIdSchema }),
    body: customerUpsertBodySchema,
    responses: { 200: z.object({ customer: upsertedCustomerSchema }) },
  }),
  upsertCustomers: defineRoute({
    method: 'post',
    path: '/customers/batch',
    tag,
    summary: 'Create or update up to 10,000 customers',
    body: customerBatchSchema,
    responses: { 200: z.object({ upserted: z.number() }) },
  }),
  event: defineRoute({
    method: 'post',
    path: '/events',
    tag,
    summary: 'Send one event (idempotent by `eventId`)',
    body: eventInputSchema,
    responses: { 202: ingestSummarySchema },
  }),
  events: defineRoute({
    method: 'post',
    path: '/events/batch',
    tag,
    summary: 'Send up to 10,000 events',
    body: eventBatchSchema,
    responses: { 202: ingestSummarySchema },
  }),
};
