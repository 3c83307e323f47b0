/** The customers area: search with cursor pages, one customer's profile, and CSV import of customers and events. */
import { z } from 'zod';
import { timestampSchema } from './common';
import { defineRoute } from './route';

export const customerSearchQuerySchema = z.object({
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The previous page's `next`. */
  after: z.uuid().optional(),
});

export const customerSummarySchema = z
  .object({
    id: z.string(),
    externalId: z.string(),
    email: z.string().nullable(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    lastActivityAt: timestampSchema.nullable(),
    valueTier: z.string().nullable(),
  })
  .loose();
export type CustomerSummary = z.infer<typeof customerSummarySchema>;

export const customerPageSchema = z.object({
  customers: z.array(customerSummarySchema),
  next: z.string().nullable(),
});

const windowFactsSchema = z.object({
  days: z.number(),
  purchases: z.number(),
  spend: z.number(),
  logins: z.number(),
  activeDays: z.number(),
});

export const timelineItemSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('event'),
    at: timestampSchema,
    eventId: z.string(),
    name: z.string(),
    properties: z.record(z.string(), z.unknown()),
  }),
  z.object({
    kind: z.literal('message'),
    at: timestampSchema,
    messageId: z.string(),
    channel: z.string(),
    status: z.string(),
    templateId: z.string().nullable(),
    journeyId: z.string().nullable(),
    subject: z.string().nullable(),
  }),
]);
export type TimelineItem = z.infer<typeof timelineItemSchema>;

export const customerProfileSchema = z.object({
  id: z.string(),
  externalId: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  timezone: z.string(),
  birthday: z.string().nullable(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  signedUpAt: timestampSchema.nullable(),
  consent: z.record(z.string(), z.boolean().optional()),
  traits: z.record(z.string(), z.unknown()),
  tags: z.array(z.string()),
  facts: z.object({
    lastActivityAt: timestampSchema.nullable(),
    lastLoginAt: timestampSchema.nullable(),
    lastPurchaseAt: timestampSchema.nullable(),
    purchaseCount: z.number(),
    totalSpend: z.number(),
    rfm: z.object({ recency: z.number(), frequency: z.number(), monetary: z.number() }).nullable(),
    valueTier: z.string().nullable(),
    dormancyStage: z.string(),
    windows: z.array(windowFactsSchema),
  }),
  timeline: z.array(timelineItemSchema),
  journeys: z.array(
    z.object({
      runId: z.string(),
      journeyId: z.string(),
      journeyName: z.string(),
      version: z.number(),
      entry: z.number(),
      status: z.string(),
      outcome: z.string().nullable(),
      startedAt: timestampSchema,
      endedAt: timestampSchema.nullable(),
      currentNodeId: z.string().nullable(),
    }),
  ),
});
export type CustomerProfile = z.infer<typeof customerProfileSchema>;

/** A CSV import's outcome: 200 even with bad rows (listed), 422 when the header was refused and nothing stored. */
export const csvImportReportSchema = z
  .object({
    rows: z.number(),
    imported: z.number(),
    duplicates: z.number(),
    errors: z.array(
      z.object({
        /** 1-based line in the file (the header is line 1). */
        line: z.number(),
        /** The column at fault, when the problem is in one column. */
        column: z.string().optional(),
        problem: z.string(),
      }),
    ),
    rejected: z.boolean(),
  })
  .loose();
export type CsvImportReport = z.infer<typeof csvImportReportSchema>;

/**
 * The columns a CSV import understands, as the file's header names them (matched loosely: `first_name`, `firstName`
 * and `First Name` are one column). The importer reads its required columns from here; the web app shows the lists.
 */
export const csvImportColumns = {
  customers: {
    required: ['external_id'],
    optional: [
      'email',
      'phone',
      'push_token',
      'timezone',
      'birthday',
      'first_name',
      'last_name',
      'signed_up_at',
      'tags',
      'consent.email',
      'consent.sms',
      'consent.push',
      'traits.<name>',
    ],
  },
  events: {
    required: ['event_id', 'customer_external_id', 'name', 'occurred_at'],
    optional: ['properties.<name>'],
  },
} as const;

export type CsvImportTarget = keyof typeof csvImportColumns;

const csv = z.string().describe('The CSV file (Content-Type: text/csv); the first line names the columns');
const tag = 'Customers';

export const customerRoutes = {
  search: defineRoute({
    method: 'get',
    path: '/customers',
    tag,
    summary: 'Search customers (external id, email, phone, name), 50 at a time by cursor',
    query: customerSearchQuerySchema,
    responses: { 200: customerPageSchema },
  }),
  profile: defineRoute({
    method: 'get',
    path: '/customers/:id',
    tag,
    summary: "A customer's traits, facts, timeline and journeys",
    params: z.object({ id: z.uuid() }),
    responses: { 200: z.object({ customer: customerProfileSchema }) },
  }),
  importCustomers: defineRoute({
    method: 'post',
    path: '/customers/import',
    tag,
    summary: 'Import customers from CSV, with a per-row error report',
    body: csv,
    bodyMediaType: 'text/csv',
    responses: { 200: csvImportReportSchema, 422: csvImportReportSchema },
  }),
  importEvents: defineRoute({
    method: 'post',
    path: '/events/import',
    tag,
    summary: 'Import events from CSV (the same path as ingest), with a per-row error report',
    body: csv,
    bodyMediaType: 'text/csv',
    responses: { 200: csvImportReportSchema, 422: csvImportReportSchema },
  }),
};
