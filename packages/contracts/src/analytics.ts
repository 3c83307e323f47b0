/**
 * Measurement (docs/measurement.md): journey results with intervals and lift, a run's conversion, the check of a
 * journey's measurement settings, A/B/n experiments on split steps, the churn model, per-customer predictions and
 * dormancy reasons with their rules. The experiment settings and dormancy rules are the schemas the analytics
 * package stores and applies (it re-exports them from here).
 */
import { z } from 'zod';
import { jsonObjectSchema, problemsAnswerSchema, timestampSchema } from './common';
import { journeyIdParams, journeyVersionParams } from './journeys';
import { defineRoute } from './route';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use YYYY-MM-DD');

/** `day-arm`: per entry day and arm (plus the pooled holdout), cumulative to date. */
export const resultsGroupBys = ['arm', 'day', 'node', 'day-arm'] as const;
export type ResultsGroupBy = (typeof resultsGroupBys)[number];

export const resultsQuerySchema = z.object({
  version: z.coerce.number().int().positive('Not a version number').optional(),
  groupBy: z.enum(resultsGroupBys, { error: 'Group by arm, node, day or day-arm' }).default('arm'),
  format: z.enum(['json', 'csv'], { error: 'Use json or csv' }).default('json'),
  from: day.optional(),
  to: day.optional(),
});

const interval = z.tuple([z.number(), z.number()]).nullable();
export const groupFiguresSchema = z.object({
  entered: z.number(),
  messaged: z.number(),
  messagesSent: z.number(),
  converted: z.number(),
  rate: z.number().nullable(),
  rateInterval: interval,
  cost: z.object({ messages: z.number(), coupons: z.number(), total: z.number() }),
  costPerReactivation: z.number().nullable(),
  conversionValue: z.number().nullable().optional(),
  ltv: z.object({
    spendBeforePerReactivated: z.number().nullable(),
    spendAfterPerReactivated: z.number().nullable(),
    upliftPerReactivated: z.number().nullable(),
    spendAfterEntryPerEntrant: z.number().nullable(),
  }),
});
export type GroupFigures = z.infer<typeof groupFiguresSchema>;

export const liftFiguresSchema = z.object({
  holdout: z.object({ entered: z.number(), converted: z.number(), rate: z.number().nullable() }),
  absoluteLift: z.number().nullable(),
  absoluteLiftInterval: interval,
  relativeLift: z.number().nullable(),
  relativeLiftInterval: interval,
  incrementalReactivations: z.number().nullable(),
  costPerIncrementalReactivation: z.number().nullable(),
  spendAfterEntryDifference: z.number().nullable(),
  spendAfterEntryDifferenceInterval: interval,
});
export type LiftFigures = z.infer<typeof liftFiguresSchema>;

export const journeyResultsSchema = z
  .object({
    journeyId: z.string(),
    version: z.number().nullable(),
    groupBy: z.enum(resultsGroupBys),
    conversion: z.unknown().nullable(),
    ltvWindowDays: z.number(),
    overall: z.object({
      all: groupFiguresSchema,
      treatment: groupFiguresSchema,
      holdout: groupFiguresSchema.nullable(),
      lift: liftFiguresSchema.nullable(),
    }),
    groups: z.array(
      z.object({
        key: z.string(),
        day: z.string().optional(),
        arm: z.string().optional(),
        holdout: z.boolean().optional(),
        figures: groupFiguresSchema,
        lift: liftFiguresSchema.nullable(),
      }),
    ),
    nodes: z
      .array(
        z.object({
          nodeId: z.string(),
          reached: z.number(),
          left: z.number(),
          atNode: z.number(),
          messagesSent: z.number(),
          cost: z.number(),
          converted: z.number(),
        }),
      )
      .optional(),
  })
  .loose();
export type JourneyResults = z.infer<typeof journeyResultsSchema>;

export const runConversionSchema = z.object({
  runId: z.string(),
  converted: z.boolean(),
  conversion: z
    .object({
      eventId: z.union([z.string(), z.number()]),
      convertedAt: timestampSchema,
      arm: z.string().nullable(),
      value: z.number().nullable(),
    })
    .loose()
    .nullable(),
  summary: z.object({}).loose().optional(),
});

export const experimentSettingsSchema = z.object({
  controlArm: z.string().min(1, 'Choose the control arm'),
  autoWinner: z.boolean().default(false),
  alpha: z.number().gt(0, 'Must be above 0').max(0.2, 'At most 0.2').default(0.05),
  tau: z.number().gt(0).max(1).default(0.05),
  minPerArm: z.number().int().min(10, 'At least 10 per arm').default(200),
  maxDays: z.number().int().min(1).max(365).default(30),
});
export type ExperimentSettings = z.output<typeof experimentSettingsSchema>;
/** What a settings form sends: numbers as typed, null for an empty box (the API then names the field). */
export type ExperimentSettingsInput = {
  [K in keyof ExperimentSettings]: ExperimentSettings[K] extends number
    ? number | null
    : ExperimentSettings[K];
};

export const experimentSchema = z.object({
  splitStepId: z.string(),
  settings: experimentSettingsSchema,
  status: z.string(),
  winnerArm: z.string().nullable(),
  decidedAt: timestampSchema.nullable(),
  arms: z.array(
    z.object({
      arm: z.string(),
      holdout: z.boolean(),
      control: z.boolean(),
      entered: z.number(),
      converted: z.number(),
      rate: z.number().nullable(),
      rateInterval: interval,
      chanceToBeatControl: z.number().nullable(),
      cost: z.number().nullable().optional(),
    }),
  ),
  test: z
    .object({
      state: z.string(),
      reason: z.string().optional(),
      comparisons: z
        .array(
          z.object({
            arm: z.string(),
            difference: z.number().nullable(),
            likelihoodRatio: z.number().nullable(),
            pValue: z.number().nullable().optional(),
            significant: z.boolean(),
          }),
        )
        .default([]),
    })
    .loose(),
});
export type Experiment = z.infer<typeof experimentSchema>;

const days = z.number().int().positive().max(3660);
const eventList = z.array(z.string().min(1)).min(1, 'Name at least one event');

/** Rules that tag a dormant customer's likely reason: bad experience, need gone, natural decay (first match wins). */
export const dormancyReasonRulesSchema = z.object({
  /** Days without activity after which a customer counts as dormant. */
  dormantAfterDays: days.default(30),
  badExperience: z
    .object({
      events: eventList.default(['complaint']),
      resolvedEvents: z.array(z.string().min(1)).default(['complaint_resolved']),
      lookbackDays: days.default(180),
    })
    .default({ events: ['complaint'], resolvedEvents: ['complaint_resolved'], lookbackDays: 180 }),
  needGone: z
    .object({
      /** Purchase property holding the category. */
      categoryProperty: z
        .string()
        .regex(/^[A-Za-z0-9_$-]+$/)
        .default('category'),
      /** Category → days after the first purchase in it when the need is typically over. */
      lifespanDays: z.record(z.string(), days).default({ baby_products: 1095 }),
    })
    .default({ categoryProperty: 'category', lifespanDays: { baby_products: 1095 } }),
  naturalDecay: z
    .object({
      windowDays: days.default(90),
      windows: z.number().int().min(2).max(6).default(3),
      minDecline: z.number().min(0).max(1).default(0.3),
    })
    .default({ windowDays: 90, windows: 3, minDecline: 0.3 }),
});
export type DormancyReasonRules = z.output<typeof dormancyReasonRulesSchema>;
export type DormancyReasonRulesInput = z.input<typeof dormancyReasonRulesSchema>;

export const experimentStepParams = journeyVersionParams.extend({ stepId: z.string().min(1) });

export const churnValidationQuerySchema = z.object({
  holdoutDays: z.coerce.number().int('Whole days').min(7, 'At least 7 days').max(3650).optional(),
});

/** The calibration/holdout check of the churn model (Fader, Hardie & Lee 2005, fig. 4). */
export const churnValidationSchema = z.object({
  calibrationEnd: z.string().describe('Last day of the calibration period (YYYY-MM-DD)'),
  holdoutEnd: z.string().describe('Last day of the holdout period (YYYY-MM-DD)'),
  holdoutDays: z.number(),
  /** Customers who had bought by the end of calibration. */
  customers: z.number(),
  /** BG/NBD fitted on the calibration period (time unit: days). */
  params: z.object({ r: z.number(), alpha: z.number(), a: z.number(), b: z.number() }),
  totalActual: z.number(),
  totalPredicted: z.number(),
  /** Per number of repeat purchases in calibration: mean repeat purchases per customer in the holdout. */
  groups: z.array(
    z.object({
      repeatPurchases: z.number(),
      /** This many or more. */
      orMore: z.boolean(),
      customers: z.number(),
      actual: z.number(),
      predicted: z.number(),
    }),
  ),
});
export type ChurnValidation = z.infer<typeof churnValidationSchema>;

const tag = 'Measurement';
const rulesAnswer = z.object({ rules: dormancyReasonRulesSchema });

export const analyticsRoutes = {
  results: defineRoute({
    method: 'get',
    path: '/journeys/:id/results',
    tag,
    summary: "A journey's results (JSON, or CSV with `format=csv`)",
    params: journeyIdParams,
    query: resultsQuerySchema,
    responses: { 200: journeyResultsSchema },
  }),
  runConversion: defineRoute({
    method: 'get',
    path: '/runs/:id/conversion',
    tag,
    summary: "A run's conversion and summary",
    params: z.object({ id: z.uuid('Not a run id') }),
    responses: { 200: runConversionSchema },
  }),
  checkMeasurement: defineRoute({
    method: 'post',
    path: '/analytics/measurement/check',
    tag,
    summary: "Check a journey's measurement settings (422 `measurement_invalid` with problems)",
    body: z.object({ settings: jsonObjectSchema }),
    responses: { 200: problemsAnswerSchema },
  }),
  experiments: defineRoute({
    method: 'get',
    path: '/journeys/:id/versions/:version/experiments',
    tag,
    summary: "Experiments of a version's split steps, with chance to beat control",
    params: journeyVersionParams,
    responses: { 200: z.object({ experiments: z.array(experimentSchema) }) },
  }),
  configureExperiment: defineRoute({
    method: 'put',
    path: '/journeys/:id/versions/:version/experiments/:stepId',
    tag,
    summary: "Save a split step's experiment settings",
    params: experimentStepParams,
    body: experimentSettingsSchema,
    responses: { 200: z.object({ experiment: z.object({ splitStepId: z.string() }).loose() }) },
  }),
  evaluateExperiments: defineRoute({
    method: 'post',
    path: '/analytics/experiments/evaluate',
    tag,
    summary: 'Look at running experiments now and decide winners',
    responses: { 200: z.object({ decided: z.unknown() }) },
  }),
  refitChurnModel: defineRoute({
    method: 'post',
    path: '/analytics/churn-model/refit',
    tag,
    summary: 'Fit the churn model (BG/NBD, Gamma-Gamma) and predict every customer',
    body: z.object({ horizonDays: z.number().int().min(1).max(730).default(90) }),
    responses: { 201: z.object({}).loose() },
  }),
  churnValidation: defineRoute({
    method: 'get',
    path: '/analytics/churn-model/validation',
    tag,
    summary:
      'The churn model checked on history: fitted on a calibration period, predicted vs actual purchases after it',
    description:
      'BG/NBD fitted on the purchases up to the end of a calibration period, and its predicted repeat purchases in ' +
      'the holdout period that follows (to today) beside the actual ones, per number of repeat purchases in ' +
      'calibration and in total. The holdout is the later half of the history unless `holdoutDays` is given. ' +
      'Answers 409 `not_enough_data` with fewer than 20 buyers in the calibration period.',
    query: churnValidationQuerySchema,
    responses: { 200: churnValidationSchema },
  }),
  churnModel: defineRoute({
    method: 'get',
    path: '/analytics/churn-model',
    tag,
    summary: 'The latest churn model',
    responses: { 200: z.object({ model: z.object({}).loose() }) },
  }),
  customerFacts: defineRoute({
    method: 'get',
    path: '/analytics/customers/:externalId/facts',
    tag,
    summary: "A customer's predictions and dormancy reason",
    params: z.object({ externalId: z.string().min(1) }),
    responses: {
      200: z
        .object({
          customerId: z.string(),
          pAlive: z.number().nullable(),
          expectedPurchases: z.number().nullable(),
          horizonDays: z.number().nullable(),
          expectedOrderValue: z.number().nullable(),
          predictedClv: z.number().nullable(),
          predictedClvTopPercent: z.number().nullable(),
          predictedAt: timestampSchema.nullable(),
          dormancyReason: z.string().nullable(),
          dormancyEvidence: z.unknown(),
        })
        .loose(),
    },
  }),
  dormancyRules: defineRoute({
    method: 'get',
    path: '/analytics/dormancy-rules',
    tag,
    summary: 'The dormancy reason rules',
    responses: { 200: rulesAnswer },
  }),
  saveDormancyRules: defineRoute({
    method: 'put',
    path: '/analytics/dormancy-rules',
    tag,
    summary: 'Save the dormancy reason rules',
    body: dormancyReasonRulesSchema,
    responses: { 200: rulesAnswer },
  }),
  computeDormancyReasons: defineRoute({
    method: 'post',
    path: '/analytics/dormancy-reasons/compute',
    tag,
    summary: 'Tag dormant customers with reasons now',
    responses: { 200: z.object({ counts: z.unknown() }) },
  }),
};
