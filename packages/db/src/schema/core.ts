/**
 * The database schema. Every business row carries `workspace_id`; every unique key that identifies something
 * across workspaces includes it. Migrations are generated from this file with drizzle-kit (`pnpm db:generate`).
 */
import { sql } from 'drizzle-orm';
import { JOURNEY_STATUSES, RUN_STATUSES } from '@wakeflow/journey';
import {
  bigint,
  bigserial,
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
// The same foreign keys as in ./columns (which imports this file, so this one keeps its own).
const workspaceRef = () =>
  text('workspace_id')
    .notNull()
    .references(() => workspaces.id);
const runRef = () =>
  uuid('run_id')
    .notNull()
    .references(() => runs.id);
/** `created_at` and `updated_at`, both set on insert. */
const timestamps = () => ({ createdAt: createdAt(), updatedAt: updatedAt() });
const journeyRef = () =>
  uuid('journey_id')
    .notNull()
    .references(() => journeys.id);

export const workspaces = pgTable('workspaces', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** Workspace-wide settings (activity definition, windows, approval required…), validated by zod on write. */
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
});

export type ChannelConsent = { email?: boolean; sms?: boolean; push?: boolean };

export const customers = pgTable(
  'customers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    externalId: text('external_id').notNull(),
    email: text('email'),
    phone: text('phone'),
    pushToken: text('push_token'),
    timezone: text('timezone').notNull().default('UTC'),
    birthday: date('birthday', { mode: 'string' }),
    firstName: text('first_name'),
    lastName: text('last_name'),
    traits: jsonb('traits').$type<Record<string, unknown>>().notNull().default({}),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    consent: jsonb('consent').$type<ChannelConsent>().notNull().default({}),
    // Derived facts, maintained as events arrive.
    lastActivityAt: tstz('last_activity_at'),
    lastLoginAt: tstz('last_login_at'),
    lastPurchaseAt: tstz('last_purchase_at'),
    purchaseCount: integer('purchase_count').notNull().default(0),
    totalSpend: numeric('total_spend', { precision: 14, scale: 2, mode: 'number' }).notNull().default(0),
    signedUpAt: tstz('signed_up_at'),
    // RFM quintile scores (1–5, 5 best) and the value tier derived from them; recomputed on a schedule by
    // @wakeflow/audience because quintiles depend on the whole customer base. Null until the first recompute.
    rfmRecency: smallint('rfm_recency'),
    rfmFrequency: smallint('rfm_frequency'),
    rfmMonetary: smallint('rfm_monetary'),
    valueTier: text('value_tier', { enum: ['high', 'mid', 'low'] }),
    rfmComputedAt: tstz('rfm_computed_at'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('customers_workspace_external_id').on(t.workspaceId, t.externalId),
    index('customers_workspace_last_activity').on(t.workspaceId, t.lastActivityAt),
    index('customers_workspace_last_login').on(t.workspaceId, t.lastLoginAt),
    // "No login for 30 days and value tier high": equality on the tier, range on the login time.
    index('customers_workspace_tier_last_login').on(t.workspaceId, t.valueTier, t.lastLoginAt),
  ],
);

export const events = pgTable(
  'events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: workspaceRef(),
    /** The sender's id for the event: ingest is idempotent on it. */
    eventId: text('event_id').notNull(),
    customerExternalId: text('customer_external_id').notNull(),
    /** Null until the customer exists; attached when they appear. */
    customerId: uuid('customer_id').references(() => customers.id),
    name: text('name').notNull(),
    properties: jsonb('properties').$type<Record<string, unknown>>().notNull().default({}),
    occurredAt: tstz('occurred_at').notNull(),
    receivedAt: tstz('received_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('events_workspace_event_id').on(t.workspaceId, t.eventId),
    index('events_customer_name_time').on(t.customerId, t.name, t.occurredAt),
    index('events_workspace_unattached')
      .on(t.workspaceId, t.customerExternalId)
      .where(sql`${t.customerId} is null`),
  ],
);

/**
 * Follow-up work of stored events (coupon redemption, conversions, routing to journeys), written in the same
 * statement as the event so nothing that was stored can miss it. The drainer deletes a row once every step
 * succeeded; until then it retries with backoff, one customer's events in order (`occurred_at`, then `event_id`).
 */
export const eventOutbox = pgTable(
  'event_outbox',
  {
    /** events.id of the event whose work is pending. */
    eventId: bigint('event_id', { mode: 'number' })
      .primaryKey()
      .references(() => events.id, { onDelete: 'cascade' }),
    workspaceId: workspaceRef(),
    /** The order key: always known, even before the customer exists. */
    customerExternalId: text('customer_external_id').notNull(),
    occurredAt: tstz('occurred_at').notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: tstz('next_attempt_at').notNull().defaultNow(),
    /** Set when coupon redemption and conversions committed: a retry then only routes. */
    recordedAt: tstz('recorded_at'),
    lastError: text('last_error'),
  },
  (t) => [
    index('event_outbox_customer_order').on(t.workspaceId, t.customerExternalId, t.occurredAt, t.eventId),
    index('event_outbox_due').on(t.nextAttemptAt),
  ],
);

export const templates = pgTable(
  'templates',
  {
    id: text('id').notNull(),
    workspaceId: workspaceRef(),
    channel: text('channel', { enum: ['email', 'sms', 'push'] }).notNull(),
    name: text('name').notNull(),
    subject: text('subject'),
    body: text('body').notNull(),
    /** Email only: the HTML part; `body` is then the text part. */
    html: text('html'),
    /** Marketing messages count against frequency caps and need consent; transactional ones do not. */
    category: text('category', { enum: ['marketing', 'transactional'] })
      .notNull()
      .default('marketing'),
    ...timestamps(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

export const segments = pgTable(
  'segments',
  {
    id: text('id').notNull(),
    workspaceId: workspaceRef(),
    name: text('name').notNull(),
    /** A condition tree (`conditionSchema` in @wakeflow/journey). */
    definition: jsonb('definition').$type<Record<string, unknown>>().notNull(),
    ...timestamps(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

export const journeys = pgTable(
  'journeys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    /** The manager's labels ("win-back", "Q4"), for finding journeys in the list. */
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    status: text('status', { enum: JOURNEY_STATUSES }).notNull().default('draft'),
    /** The editor's draft graph and settings; versions are immutable copies compiled from it. */
    draftGraph: jsonb('draft_graph').$type<Record<string, unknown>>().notNull(),
    draftSettings: jsonb('draft_settings').$type<Record<string, unknown>>().notNull().default({}),
    /** Bumped on every draft save: a save that names an older revision is a conflict, not an overwrite. */
    draftRevision: integer('draft_revision').notNull().default(1),
    liveVersion: integer('live_version'),
    ...timestamps(),
  },
  (t) => [index('journeys_workspace').on(t.workspaceId)],
);

export const journeyVersions = pgTable(
  'journey_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    journeyId: journeyRef(),
    version: integer('version').notNull(),
    graph: jsonb('graph').$type<Record<string, unknown>>().notNull(),
    plan: jsonb('plan').$type<Record<string, unknown>>().notNull(),
    planHash: text('plan_hash').notNull(),
    /** Trigger kind and, for event triggers, the event name: ingest finds journeys to start without reading plans. */
    triggerType: text('trigger_type').notNull(),
    triggerEvent: text('trigger_event'),
    /** Event names running customers of this version wait for (wait steps and goal): ingest signals only those. */
    listensTo: text('listens_to')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    publishedAt: createdAt(),
    publishedBy: text('published_by'),
  },
  (t) => [
    uniqueIndex('journey_versions_journey_version').on(t.journeyId, t.version),
    index('journey_versions_trigger_event').on(t.workspaceId, t.triggerEvent),
  ],
);

export const runs = pgTable(
  'runs',
  {
    /** Time-ordered (row-ids.ts): a cohort's runs are neighbours in every index keyed by run id. */
    id: uuid('id')
      .primaryKey()
      .default(sql`time_ordered_uuid()`),
    workspaceId: workspaceRef(),
    /** The run's business key: its own workflow's id, or (in a cohort) the key its messages are idempotent by. */
    workflowId: text('workflow_id').notNull(),
    /** The cohort workflow carrying this run, when it entered in bulk (signals and controls go there). */
    cohortWorkflowId: text('cohort_workflow_id'),
    journeyId: journeyRef(),
    version: integer('version').notNull(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    entry: integer('entry').notNull(),
    status: text('status', { enum: RUN_STATUSES }).notNull().default('running'),
    outcome: text('outcome'),
    /** Why a run ended without an exit: the failure's message, or how the reconciler found its workflow closed. */
    endedReason: text('ended_reason'),
    /** When the run reconciler last found this run's workflow still open (it checks the least recently checked first). */
    checkedAt: tstz('checked_at'),
    holdout: boolean('holdout').notNull().default(false),
    currentNodeId: text('current_node_id'),
    /** Split arms taken, by split step id. */
    arms: jsonb('arms').$type<Record<string, string>>().notNull().default({}),
    startedAt: tstz('started_at').notNull(),
    endedAt: tstz('ended_at'),
  },
  (t) => [
    uniqueIndex('runs_workflow_id').on(t.workflowId),
    // Journey, then customer: the starters read a page's customers' past runs of a journey (any version) by this
    // prefix. With the version second, that read walked every run of the journey (migration 0023).
    uniqueIndex('runs_journey_customer_version_entry').on(t.journeyId, t.customerId, t.version, t.entry),
    index('runs_workspace_journey_status').on(t.workspaceId, t.journeyId, t.status),
    index('runs_customer').on(t.customerId),
  ],
);

export const runSteps = pgTable(
  'run_steps',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: workspaceRef(),
    runId: runRef(),
    nodeId: text('node_id').notNull(),
    seq: integer('seq').notNull(),
    enteredAt: tstz('entered_at').notNull(),
    leftAt: tstz('left_at'),
    outcome: text('outcome'),
  },
  (t) => [uniqueIndex('run_steps_run_seq').on(t.runId, t.seq), index('run_steps_node').on(t.runId, t.nodeId)],
);

export const messages = pgTable(
  'messages',
  {
    /** Time-ordered (row-ids.ts): a batch's messages are neighbours in the primary key. */
    id: uuid('id')
      .primaryKey()
      .default(sql`time_ordered_uuid()`),
    workspaceId: workspaceRef(),
    /** Run + step: the same send retried or replayed finds its row instead of sending again. */
    idempotencyKey: text('idempotency_key').notNull(),
    runId: uuid('run_id').references(() => runs.id),
    journeyId: uuid('journey_id').references(() => journeys.id),
    nodeId: text('node_id'),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    channel: text('channel', { enum: ['email', 'sms', 'push', 'webhook'] }).notNull(),
    templateId: text('template_id'),
    status: text('status', { enum: ['pending', 'sent', 'failed', 'skipped'] })
      .notNull()
      .default('pending'),
    /** Why a message was skipped or failed (no consent, holdout, provider answer…). */
    reason: text('reason'),
    provider: text('provider'),
    providerMessageId: text('provider_message_id'),
    recipient: text('recipient'),
    subject: text('subject'),
    body: text('body'),
    attempts: integer('attempts').notNull().default(0),
    costMicros: integer('cost_micros'),
    /** Workflow time of the step that asked for it (the journey's clock, virtual in tests and replays). */
    requestedAt: tstz('requested_at'),
    /** Copied from the template: only marketing messages count against frequency caps. */
    category: text('category', { enum: ['marketing', 'transactional'] })
      .notNull()
      .default('marketing'),
    /** The journey's priority (1–10) when the send was decided; decides who waits when a cap is reached. */
    priority: integer('priority').notNull().default(5),
    /** When the rules passed and the provider was first called: counts against caps from then on. */
    dispatchedAt: tstz('dispatched_at'),
    /** An attempt is talking to the provider until then; another attempt waits instead of calling again. */
    leaseUntil: tstz('lease_until'),
    /** Quiet hours, send window or cap: the send waits until then. */
    deferredUntil: tstz('deferred_until'),
    /** The exact rendered message, so a retry after a crash sends the same content. */
    payload: jsonb('payload').$type<Record<string, unknown>>(),
    /** The provider's last answer (status, body excerpt), kept for failed sends and support questions. */
    providerResponse: jsonb('provider_response').$type<Record<string, unknown>>(),
    /** A test send to a seed recipient: shown in the log, never counted in results or frequency caps. */
    isTest: boolean('is_test').notNull().default(false),
    createdAt: createdAt(),
    sentAt: tstz('sent_at'),
  },
  (t) => [
    uniqueIndex('messages_workspace_idempotency_key').on(t.workspaceId, t.idempotencyKey),
    index('messages_customer_time').on(t.customerId, t.createdAt),
    index('messages_journey').on(t.journeyId, t.nodeId),
    // Frequency caps count a customer's dispatched marketing messages in a rolling window.
    index('messages_customer_dispatched').on(t.customerId, t.dispatchedAt),
  ],
);

export const providers = pgTable(
  'providers',
  {
    id: text('id').notNull(),
    workspaceId: workspaceRef(),
    channel: text('channel', { enum: ['email', 'sms', 'push', 'webhook'] }).notNull(),
    kind: text('kind').notNull(),
    /** Non-secret settings, returned by the API. */
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    /** Secrets, encrypted at rest; never returned by the API. */
    secretsEncrypted: text('secrets_encrypted'),
    unitCostMicros: integer('unit_cost_micros').notNull().default(0),
    isDefault: boolean('is_default').notNull().default(false),
    ...timestamps(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

export const coupons = pgTable(
  'coupons',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: workspaceRef(),
    poolId: text('pool_id').notNull(),
    code: text('code').notNull(),
    valueCents: integer('value_cents').notNull().default(0),
    /** The send or step that claimed it: a retried claim finds the same code. */
    claimKey: text('claim_key'),
    customerId: uuid('customer_id').references(() => customers.id),
    claimedAt: tstz('claimed_at'),
    redeemedAt: tstz('redeemed_at'),
  },
  (t) => [
    uniqueIndex('coupons_pool_code').on(t.workspaceId, t.poolId, t.code),
    uniqueIndex('coupons_claim_key').on(t.workspaceId, t.claimKey),
    // Claiming takes the next free code of a pool; redemption events name a code without its pool.
    index('coupons_pool_unclaimed')
      .on(t.workspaceId, t.poolId, t.id)
      .where(sql`${t.claimKey} is null`),
    index('coupons_workspace_code').on(t.workspaceId, t.code),
  ],
);

export const conversions = pgTable(
  'conversions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: workspaceRef(),
    runId: runRef(),
    eventId: bigint('event_id', { mode: 'number' }).notNull(),
    lastMessageId: uuid('last_message_id'),
    arm: text('arm'),
    value: doublePrecision('value'),
    convertedAt: tstz('converted_at').notNull(),
  },
  (t) => [uniqueIndex('conversions_run').on(t.runId)],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: workspaceRef(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
    at: createdAt(),
  },
  (t) => [index('audit_workspace_time').on(t.workspaceId, t.at)],
);
