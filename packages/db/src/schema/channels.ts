/**
 * Tables of the channels area (@wakeflow/channels): coupon pools (their codes live in `coupons`), the outbox
 * the development "log" provider delivers to when a workspace has no real provider for a channel, each provider's
 * shared send pace, and the seed list.
 */
import { bigserial, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tstz, workspaceRef } from './columns';

/**
 * A pool of coupon codes for one offer (e.g. "20 off, no minimum"). Codes are imported or generated from
 * `pattern`; a pool with a pattern also mints a code on claim when its stock runs out.
 */
export const couponPools = pgTable(
  'coupon_pools',
  {
    id: text('id').notNull(),
    workspaceId: workspaceRef(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    /** Face value of every code in the pool, in minor units (fen, cents). */
    valueCents: integer('value_cents').notNull().default(0),
    /** The spend a code needs before it applies (S-RE-3: "50 off above a threshold"); 0 = no minimum. */
    minSpendCents: integer('min_spend_cents').notNull().default(0),
    currency: text('currency').notNull().default('CNY'),
    /** `#` digit, `?` letter, `*` either; other characters are literal. E.g. `WB20-????-####`. */
    pattern: text('pattern'),
    expiresAt: tstz('expires_at'),
    createdAt: tstz('created_at').notNull().defaultNow(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

/** What the "log" provider delivered: nothing leaves the machine, the message is only recorded here. */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: workspaceRef(),
    /** The send's idempotency key: a retried delivery finds its row instead of adding a second one. */
    idempotencyKey: text('idempotency_key').notNull(),
    messageId: uuid('message_id'),
    channel: text('channel').notNull(),
    recipient: text('recipient').notNull(),
    subject: text('subject'),
    body: text('body').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('outbox_workspace_idempotency_key').on(t.workspaceId, t.idempotencyKey)],
);

/**
 * Each provider's send pace (its messages-per-second limit), shared by every worker process: the earliest time the
 * next message may go (GCRA's theoretical arrival time), advanced atomically by each permitted send.
 */
export const sendPacing = pgTable('send_pacing', {
  /** `<workspace>/<provider>`. */
  key: text('key').primaryKey(),
  nextAt: tstz('next_at').notNull(),
});

/**
 * The workspace's seed list: named people who receive test sends of a journey's messages (rendered with a chosen
 * customer's data) before real customers do. Never customers: nothing about them is counted anywhere.
 */
export const testRecipients = pgTable(
  'test_recipients',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    name: text('name').notNull(),
    email: text('email'),
    phone: text('phone'),
    pushToken: text('push_token'),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('test_recipients_workspace_name').on(t.workspaceId, t.name)],
);
