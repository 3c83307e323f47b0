/**
 * Audience-wide views and settings: the dormancy overview (stage × value tier) and its daily history, the
 * workspace's fact definitions (with the facts rebuild they start), an RFM recompute, a journey's audience sweeps.
 * The fact definitions' schema is the one the audience package stores and applies (it re-exports it from here).
 */
import { z } from 'zod';
import { timestampSchema } from './common';
import { defineRoute } from './route';

/** The audience check of a live audience journey: its schedule and its last sweep. */
export const audienceCheckSchema = z.object({
  /** Null when the journey has no audience trigger or is not live. */
  everyMinutes: z.number().int().nullable(),
  /** From Temporal's schedule; null when the schedule does not exist (yet) or Temporal did not answer. */
  nextAt: timestampSchema.nullable(),
  last: z
    .object({
      status: z.string(),
      reason: z.string().nullable(),
      startedAt: timestampSchema,
      finishedAt: timestampSchema.nullable(),
      matched: z.number().int(),
      started: z.number().int(),
    })
    .nullable(),
});
export type AudienceCheck = z.infer<typeof audienceCheckSchema>;

const eventNames = z.array(z.string().min(1)).min(1, 'Name at least one event');
const days = z.number().int().positive().max(3660);

const increasing = (list: readonly number[]) => list.every((v, i) => i === 0 || v > (list[i - 1] ?? 0));

/** Which events count as activity, login and purchase, where a purchase's amount is, windows, stages, tiers. */
export const audienceSettingsSchema = z
  .object({
    /** Events that count as activity: every event except the listed ones (default), or only the listed ones. */
    activity: z
      .discriminatedUnion('mode', [
        z.object({ mode: z.literal('all_except'), events: z.array(z.string().min(1)) }),
        z.object({ mode: z.literal('only'), events: eventNames }),
      ])
      // Message receipts happen to the customer, not by them: they would hide dormancy.
      .default({ mode: 'all_except', events: ['message_delivered', 'message_opened', 'message_clicked'] }),
    loginEvents: eventNames.default(['login']),
    purchaseEvents: eventNames.default(['purchase', 'store_purchase']),
    /** Property holding a purchase's amount (dot path); non-numeric or missing counts as 0 spend. */
    amountProperty: z
      .string()
      .regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/)
      .default('amount'),
    /**
     * Whether a purchase may carry a negative amount (a refund). Off by default: a negative spend is then refused
     * at ingest, and the facts never sum one, so a typo cannot make a customer's total spend negative.
     */
    allowRefunds: z.boolean().default(false),
    /** Rolling windows (days) shown on profiles and offered in the segment builder; conditions may use any. */
    windowsDays: z.array(days).min(1).default([30, 90, 180, 365]),
    /** Upper bounds (days since last activity) of: active, 1–3 months, 3–6 months, 6–12 months; beyond is 12+. */
    dormancyStagesDays: z
      .tuple([days, days, days, days])
      .default([30, 90, 180, 365])
      .refine(increasing, 'Stage boundaries must increase'),
    /** R+F+M (3..15) at or above which a customer is high / mid value; below mid is low. */
    valueTier: z
      .object({ highMin: z.number().int().min(3).max(15), midMin: z.number().int().min(3).max(15) })
      .default({ highMin: 12, midMin: 8 })
      .refine((t) => t.highMin > t.midMin, 'High must need a larger score than mid'),
  })
  .default({
    activity: { mode: 'all_except', events: ['message_delivered', 'message_opened', 'message_clicked'] },
    loginEvents: ['login'],
    purchaseEvents: ['purchase', 'store_purchase'],
    amountProperty: 'amount',
    allowRefunds: false,
    windowsDays: [30, 90, 180, 365],
    dormancyStagesDays: [30, 90, 180, 365],
    valueTier: { highMin: 12, midMin: 8 },
  });
export type AudienceSettings = z.output<typeof audienceSettingsSchema>;
export type AudienceSettingsInput = z.input<typeof audienceSettingsSchema>;

/** A real calendar day (2026-02-30 is refused, not rolled over). */
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use YYYY-MM-DD')
  .refine((v) => {
    const parsed = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === v;
  }, 'Not a calendar day');

export const MAX_DORMANCY_HISTORY_DAYS = 3660;
/** Value tiers of the dormancy views (`unscored`: no purchase yet). */
export const dormancyTiers = ['high', 'mid', 'low', 'unscored'] as const;

export const dormancyHistoryQuerySchema = z
  .object({
    from: day.optional(),
    to: day.optional(),
    tier: z.enum(dormancyTiers, { error: 'Use high, mid, low or unscored' }).optional(),
  })
  .superRefine((q, ctx) => {
    if (!q.from) return;
    const to = q.to ?? new Date().toISOString().slice(0, 10);
    const span = (Date.parse(to) - Date.parse(q.from)) / 86_400_000;
    if (span < 0)
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'Must not be after to (default today)' });
    else if (span >= MAX_DORMANCY_HISTORY_DAYS)
      ctx.addIssue({
        code: 'custom',
        path: ['from'],
        message: `At most ${MAX_DORMANCY_HISTORY_DAYS} days before to`,
      });
  });

export const dormancyOverviewSchema = z.object({
  at: timestampSchema,
  stages: z.array(z.string()),
  tiers: z.array(z.string()),
  cells: z.array(z.object({ stage: z.string(), tier: z.string(), customers: z.number() })),
  total: z.number(),
  stageBoundariesDays: z.array(z.number()),
});
export type DormancyOverview = z.infer<typeof dormancyOverviewSchema>;

export const dormancyHistorySchema = z.object({
  from: z.string(),
  to: z.string(),
  stages: z.array(z.string()),
  tiers: z.array(z.string()),
  days: z.array(z.string()),
  cells: z.array(z.object({ day: z.string(), stage: z.string(), tier: z.string(), customers: z.number() })),
});
export type DormancyHistory = z.infer<typeof dormancyHistorySchema>;

export const factsRebuildSchema = z.object({
  workflowId: z.string(),
  status: z.enum(['running', 'completed', 'failed']),
  customersUpdated: z.number().nullable(),
  customersScanned: z.number().nullable(),
  startedAt: timestampSchema,
  finishedAt: timestampSchema.nullable(),
});
export type FactsRebuild = z.infer<typeof factsRebuildSchema>;

const rebuildStarted = z.object({ workflowId: z.string() });
const tag = 'Audience';

export const audienceRoutes = {
  dormancy: defineRoute({
    method: 'get',
    path: '/audience/dormancy',
    tag,
    summary: 'Customers per dormancy stage and value tier, now',
    responses: { 200: dormancyOverviewSchema },
  }),
  dormancyHistory: defineRoute({
    method: 'get',
    path: '/audience/dormancy/history',
    tag,
    summary: 'Daily snapshots of customers per stage (× tier)',
    query: dormancyHistoryQuerySchema,
    responses: { 200: dormancyHistorySchema },
  }),
  settings: defineRoute({
    method: 'get',
    path: '/audience/settings',
    tag,
    summary: "The workspace's fact definitions",
    responses: { 200: z.object({ settings: audienceSettingsSchema }) },
  }),
  saveSettings: defineRoute({
    method: 'put',
    path: '/audience/settings',
    tag,
    summary: 'Save the fact definitions; a change of event definitions starts a facts rebuild',
    body: audienceSettingsSchema,
    responses: { 200: z.object({ settings: audienceSettingsSchema, rebuild: rebuildStarted.nullable() }) },
  }),
  factsRebuild: defineRoute({
    method: 'get',
    path: '/audience/facts/rebuild',
    tag,
    summary: "The workspace's latest facts rebuild (null: never)",
    responses: { 200: z.object({ rebuild: factsRebuildSchema.nullable() }) },
  }),
  startFactsRebuild: defineRoute({
    method: 'post',
    path: '/audience/facts/rebuild',
    tag,
    summary: 'Start a facts rebuild by hand',
    responses: { 202: z.object({ rebuild: rebuildStarted }) },
  }),
  recomputeRfm: defineRoute({
    method: 'post',
    path: '/audience/rfm/recompute',
    tag,
    summary: 'Recompute RFM scores and value tiers now',
    responses: {
      200: z
        .object({
          /** Customers with a purchase that received scores. */
          scored: z.number(),
          /** Rows whose scores or tier changed. */
          changed: z.number(),
          tookMs: z.number(),
        })
        .loose(),
    },
  }),
  sweeps: defineRoute({
    method: 'get',
    path: '/journeys/:id/sweeps',
    tag,
    summary: "Progress of a journey's audience sweeps, newest first",
    params: z.object({ id: z.uuid() }),
    query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
    responses: { 200: z.object({ sweeps: z.array(z.object({}).loose()) }) },
  }),
  audienceCheck: defineRoute({
    method: 'get',
    path: '/journeys/:id/audience-check',
    tag,
    summary: "When the journey's audience was last checked, how many entered, and when the next check runs",
    params: z.object({ id: z.uuid('Not a journey id') }),
    responses: { 200: audienceCheckSchema },
  }),
  checkAudienceNow: defineRoute({
    method: 'post',
    path: '/journeys/:id/audience-check',
    tag,
    summary: "Check the audience now (triggers the journey's sweep schedule)",
    params: z.object({ id: z.uuid('Not a journey id') }),
    responses: { 202: z.object({ triggered: z.literal(true) }) },
  }),
};
