/**
 * Tables of the audience area (@wakeflow/audience): the per-customer daily rollup that rolling-window facts are
 * summed from, the state of each journey's audience trigger per customer (re-entry), sweep progress, and the
 * daily snapshot of customers per dormancy stage.
 */
import {
  bigint,
  bigserial,
  date,
  index,
  integer,
  numeric,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { journeyRef, tstz, workspaceRef } from './columns';
import { customers } from './core';

/**
 * One row per customer and UTC day with activity. Ingest adds to it per batch (set-based upsert), so "purchases in
 * the last 90 days" is a sum over at most 90 small rows instead of a scan of the event log.
 *
 * Derived data without foreign keys (migration 0021): only ingest (for the customer it has just upserted) and the
 * facts rebuild (for customers it has locked) write rows, customers are never deleted, and a rebuild recomputes
 * every row from the event log. The two keys' checks were two thirds of the cost of a new row (a lookup in
 * `customers` and one in `workspaces` per row): 7.1M new days in a 1M-customer rebuild.
 */
export const customerDailyActivity = pgTable(
  'customer_daily_activity',
  {
    workspaceId: text('workspace_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    activityCount: integer('activity_count').notNull().default(0),
    loginCount: integer('login_count').notNull().default(0),
    purchaseCount: integer('purchase_count').notNull().default(0),
    spend: numeric('spend', { precision: 14, scale: 2, mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.day] })],
);

/**
 * What an audience-triggered journey knows about each customer it has seen: how often they entered, when last,
 * and whether they were in the audience at the last sweep (so "every time they re-qualify" can see a re-entry).
 */
export const journeyAudienceMembers = pgTable(
  'journey_audience_members',
  {
    workspaceId: workspaceRef(),
    journeyId: journeyRef(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    entries: integer('entries').notNull().default(0),
    lastEnteredAt: tstz('last_entered_at'),
    /** Id of the last sweep that found the customer in the audience. */
    lastMatchedSweep: bigint('last_matched_sweep', { mode: 'number' }),
    /** Id of the sweep before that, so a gap (left and came back) is visible. */
    previousMatchedSweep: bigint('previous_matched_sweep', { mode: 'number' }),
  },
  (t) => [primaryKey({ columns: [t.journeyId, t.customerId] })],
);

/** One row per sweep of an audience trigger: progress for the API, and the generation number for membership. */
export const audienceSweeps = pgTable(
  'audience_sweeps',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: workspaceRef(),
    journeyId: journeyRef(),
    /** The sweep workflow's id: a retried activity finds its own row instead of starting a second sweep. */
    sweepKey: text('sweep_key').notNull(),
    status: text('status', { enum: ['running', 'completed', 'skipped', 'failed'] })
      .notNull()
      .default('running'),
    /** Why a sweep was skipped (journey not live, no audience trigger…). */
    reason: text('reason'),
    scanned: integer('scanned').notNull().default(0),
    matched: integer('matched').notNull().default(0),
    started: integer('started').notNull().default(0),
    /** Last customer id fully handled; mirrors the activity heartbeat for the API. */
    cursor: text('cursor'),
    startedAt: tstz('started_at').notNull().defaultNow(),
    finishedAt: tstz('finished_at'),
  },
  (t) => [
    uniqueIndex('audience_sweeps_key').on(t.workspaceId, t.sweepKey),
    index('audience_sweeps_journey').on(t.journeyId, t.startedAt),
  ],
);

/**
 * Customers per dormancy stage × value tier ('unscored' before the first RFM recompute) per UTC day. The stage
 * changes with the clock, so history cannot be recomputed from `customers` later: a daily job writes today's row
 * set (an upsert, so a rerun the same day overwrites it). Stage and tier are @wakeflow/audience's enums as text.
 */
export const dormancyDailySnapshots = pgTable(
  'dormancy_daily_snapshots',
  {
    workspaceId: workspaceRef(),
    day: date('day', { mode: 'string' }).notNull(),
    stage: text('stage').notNull(),
    valueTier: text('value_tier').notNull(),
    customers: integer('customers').notNull(),
    takenAt: tstz('taken_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.day, t.stage, t.valueTier] })],
);
