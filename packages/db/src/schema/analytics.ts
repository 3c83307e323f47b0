/**
 * Tables of the measurement area (@wakeflow/analytics). Figures are read from rollups that SQL triggers keep up to
 * date as runs, steps, messages, coupons and conversions are written (migration `analytics_triggers`), so a results
 * page never scans runs. Per-customer model outputs (churn risk, predicted value, dormancy reason) are derived facts
 * that segments can read by customer id.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uuid,
} from 'drizzle-orm/pg-core';
import { journeyRef, tstz, workspaceRef } from './columns';
import { customers, runs } from './core';

/** The key most rollups start with: workspace, journey, version and the UTC day of the runs' entry. */
const journeyVersionDay = () => ({
  workspaceId: workspaceRef(),
  journeyId: journeyRef(),
  version: integer('version').notNull(),
  day: date('day', { mode: 'string' }).notNull(),
});
const money = (name: string) => doublePrecision(name).notNull().default(0);

/**
 * One row per run: what the run contributes to the rollups. Triggers keep it current; a change to it moves the
 * old contribution out of its rollup row and the new one in, so an arm decided mid-run or a late conversion never
 * leaves the rollups inconsistent.
 */
export const runSummaries = pgTable(
  'run_summaries',
  {
    runId: uuid('run_id')
      .primaryKey()
      .references(() => runs.id),
    workspaceId: workspaceRef(),
    journeyId: journeyRef(),
    version: integer('version').notNull(),
    /** UTC day the run started: runs are counted in the cohort of their entry day. */
    day: date('day', { mode: 'string' }).notNull(),
    holdout: boolean('holdout').notNull(),
    /** Split arms as one key: the arm name for one split, `step=arm&step2=arm2` for several, '' before any split. */
    arm: text('arm').notNull().default(''),
    messagesSent: integer('messages_sent').notNull().default(0),
    costMicros: bigint('cost_micros', { mode: 'number' }).notNull().default(0),
    couponCents: bigint('coupon_cents', { mode: 'number' }).notNull().default(0),
    converted: boolean('converted').notNull().default(false),
    convertedAt: tstz('converted_at'),
    conversionValue: money('conversion_value'),
    /** Spend in the N days before the customer went dormant (last activity before entry). */
    spendBefore: money('spend_before'),
    /** Spend in the N days after entry (compared with the holdout). */
    spendAfterEntry: money('spend_after_entry'),
    /** Spend in the N days after the conversion (LTV uplift of the reactivated). */
    spendAfterConversion: money('spend_after_conversion'),
  },
  (t) => [index('run_summaries_journey').on(t.journeyId, t.version, t.day)],
);

const counters = {
  entered: integer('entered').notNull().default(0),
  /** Runs with at least one message sent. */
  messaged: integer('messaged').notNull().default(0),
  messagesSent: integer('messages_sent').notNull().default(0),
  converted: integer('converted').notNull().default(0),
  conversionValue: money('conversion_value'),
  costMicros: bigint('cost_micros', { mode: 'number' }).notNull().default(0),
  couponCents: bigint('coupon_cents', { mode: 'number' }).notNull().default(0),
  spendBefore: money('spend_before'),
  spendBeforeConverted: money('spend_before_converted'),
  spendAfterEntry: money('spend_after_entry'),
  /** Sum of squares of per-run spend after entry: the variance for the interval of the spend difference. */
  spendAfterEntrySq: money('spend_after_entry_sq'),
  spendAfterConversion: money('spend_after_conversion'),
};

/** Run-level figures per journey, version, entry day, holdout flag and arm key. */
export const journeyDailyRollups = pgTable(
  'journey_daily_rollups',
  {
    ...journeyVersionDay(),
    holdout: boolean('holdout').notNull(),
    arm: text('arm').notNull(),
    ...counters,
  },
  (t) => [primaryKey({ columns: [t.journeyId, t.version, t.day, t.holdout, t.arm] })],
);

/** Node-level figures per journey, version, entry day of the run and node: the funnel read on the canvas. */
export const journeyNodeDailyRollups = pgTable(
  'journey_node_daily_rollups',
  {
    ...journeyVersionDay(),
    nodeId: text('node_id').notNull(),
    reached: integer('reached').notNull().default(0),
    left: integer('left').notNull().default(0),
    messagesSent: integer('messages_sent').notNull().default(0),
    costMicros: bigint('cost_micros', { mode: 'number' }).notNull().default(0),
    /** Conversions whose last message before them was sent by this node (last touch). */
    converted: integer('converted').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.journeyId, t.version, t.day, t.nodeId] })],
);

/** Event names seen by ingest: lets a conversion definition naming an event nobody sends be refused. */
export const analyticsEventNames = pgTable(
  'analytics_event_names',
  {
    workspaceId: workspaceRef(),
    name: text('name').notNull(),
    seen: bigint('seen', { mode: 'number' }).notNull().default(0),
    firstSeenAt: tstz('first_seen_at').notNull().defaultNow(),
    lastSeenAt: tstz('last_seen_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.name] })],
);

/**
 * An A/B/n test on one split step of one journey version: its settings, and once decided, the winner. A decided
 * winner is passed to new runs as `forcedArms` in their workflow input by the run starter.
 */
export const experiments = pgTable(
  'experiments',
  {
    workspaceId: workspaceRef(),
    journeyId: journeyRef(),
    version: integer('version').notNull(),
    splitStepId: text('split_step_id').notNull(),
    controlArm: text('control_arm').notNull(),
    autoWinner: boolean('auto_winner').notNull().default(false),
    /** Type-I error of the always-valid test, over the whole (continuously monitored) experiment. */
    alpha: doublePrecision('alpha').notNull().default(0.05),
    /** Standard deviation of the mSPRT's normal mixing distribution over the difference in rates. */
    tau: doublePrecision('tau').notNull().default(0.05),
    minPerArm: integer('min_per_arm').notNull().default(200),
    maxDays: integer('max_days').notNull().default(30),
    status: text('status', { enum: ['running', 'winner', 'inconclusive', 'stopped'] })
      .notNull()
      .default('running'),
    winnerArm: text('winner_arm'),
    decidedAt: tstz('decided_at'),
    /** The figures the decision was taken on. */
    decision: jsonb('decision').$type<Record<string, unknown>>(),
    startedAt: tstz('started_at').notNull().defaultNow(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.journeyId, t.version, t.splitStepId] }),
    index('experiments_workspace').on(t.workspaceId, t.status),
  ],
);

/** One row per churn-model fit of a workspace: parameters and fit quality, for the API and for audit. */
export const churnModels = pgTable(
  'churn_models',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: workspaceRef(),
    fittedAt: tstz('fitted_at').notNull(),
    calibrationEnd: tstz('calibration_end').notNull(),
    customers: integer('customers').notNull(),
    /** BG/NBD r, alpha, a, b (time unit: days) and Gamma-Gamma p, q, gamma. */
    params: jsonb('params').$type<Record<string, number>>().notNull(),
    logLikelihood: doublePrecision('log_likelihood').notNull(),
    spendLogLikelihood: doublePrecision('spend_log_likelihood'),
    fitMs: integer('fit_ms').notNull(),
    horizonDays: integer('horizon_days').notNull(),
  },
  (t) => [index('churn_models_workspace').on(t.workspaceId, t.fittedAt)],
);

/** Per-customer churn risk and predicted value (segment fields `facts.pAlive`, `facts.predictedClv`, …). */
export const customerPredictions = pgTable(
  'customer_predictions',
  {
    customerId: uuid('customer_id')
      .primaryKey()
      .references(() => customers.id),
    workspaceId: workspaceRef(),
    modelId: bigint('model_id', { mode: 'number' }).notNull(),
    pAlive: doublePrecision('p_alive').notNull(),
    expectedPurchases: doublePrecision('expected_purchases').notNull(),
    horizonDays: integer('horizon_days').notNull(),
    expectedOrderValue: doublePrecision('expected_order_value'),
    predictedClv: doublePrecision('predicted_clv'),
    /**
     * Share (0–100] of the workspace's customers with a predicted CLV whose CLV is at least this one's, set at each
     * refit: "predicted CLV in the top 20%" is `≤ 20` (segment field `facts.predictedClvTopPercent`).
     */
    predictedClvTopPercent: doublePrecision('predicted_clv_top_percent'),
    computedAt: tstz('computed_at').notNull(),
  },
  (t) => [index('customer_predictions_workspace_p_alive').on(t.workspaceId, t.pAlive)],
);

/** Why a dormant customer went quiet (S-ID-6), from configurable rules; segment field `facts.dormancyReason`. */
export const customerDormancyReasons = pgTable(
  'customer_dormancy_reasons',
  {
    customerId: uuid('customer_id')
      .primaryKey()
      .references(() => customers.id),
    workspaceId: workspaceRef(),
    reason: text('reason', { enum: ['bad_experience', 'need_gone', 'natural_decay', 'unknown'] }).notNull(),
    /** The rule that fired and the signal values it saw. */
    evidence: jsonb('evidence')
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    computedAt: tstz('computed_at').notNull(),
  },
  (t) => [index('customer_dormancy_reasons_workspace').on(t.workspaceId, t.reason)],
);
