/**
 * Runs and results: find runs, open one with its steps and messages, its Temporal history (download and replay),
 * and the measurement figures (journey results, experiments, the dormancy overview) the results pages chart.
 */
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from './client';

export interface RunFilters {
  journeyId?: string;
  version?: number;
  customerId?: string;
  status?: string;
  outcome?: string;
  before?: string;
  limit?: number;
}

export const runKeys = {
  all: ['runs'] as const,
  list: (filters: RunFilters) => [...runKeys.all, 'list', filters] as const,
  detail: (id: string) => [...runKeys.all, 'detail', id] as const,
  history: (id: string) => [...runKeys.all, 'history', id] as const,
  conversion: (id: string) => [...runKeys.all, 'conversion', id] as const,
};

export const resultKeys = {
  journey: (journeyId: string, version: number | undefined, groupBy: string) =>
    ['journeys', journeyId, 'results', version ?? 'all', groupBy] as const,
  experiments: (journeyId: string, version: number) =>
    ['journeys', journeyId, 'experiments', version] as const,
  dormancy: ['audience', 'dormancy'] as const,
};

export { RUN_STATUSES as runStatuses } from '@wakeflow/journey';

export const runSummarySchema = z.object({
  id: z.string(),
  workflowId: z.string(),
  journeyId: z.string(),
  version: z.number(),
  customerId: z.string(),
  customerExternalId: z.string(),
  entry: z.number(),
  status: z.string(),
  outcome: z.string().nullable(),
  holdout: z.boolean(),
  currentNodeId: z.string().nullable(),
  arms: z.record(z.string(), z.string()).default({}),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  /** Why a run ended without an exit (failed, cancelled, terminated, timed out). */
  endedReason: z.string().nullable().default(null),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export const runStepSchema = z.object({
  nodeId: z.string(),
  seq: z.number(),
  enteredAt: z.string(),
  leftAt: z.string().nullable(),
  outcome: z.string().nullable(),
});
export type RunStep = z.infer<typeof runStepSchema>;

export const runMessageSchema = z.object({
  id: z.string(),
  nodeId: z.string().nullable(),
  channel: z.string(),
  templateId: z.string().nullable(),
  status: z.string(),
  reason: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});
export type RunMessage = z.infer<typeof runMessageSchema>;

export const runDetailSchema = z.object({
  run: runSummarySchema.omit({ customerExternalId: true }).loose(),
  steps: z.array(runStepSchema),
  messages: z.array(runMessageSchema),
});
export type RunDetail = z.infer<typeof runDetailSchema>;

/** The history as `temporal workflow show -o json` prints it; only what the review page reads is checked. */
export const historyEventSchema = z
  .object({
    eventId: z.union([z.string(), z.number()]),
    eventTime: z.string().optional(),
    eventType: z.union([z.string(), z.number()]).optional(),
  })
  .loose();
export const historySchema = z.object({ events: z.array(historyEventSchema) }).loose();
export type HistoryJson = z.infer<typeof historySchema>;

export const replayReportSchema = z.object({
  ok: z.boolean(),
  workflowId: z.string(),
  summary: z.string(),
  divergedAt: z.object({ eventId: z.number(), eventType: z.string(), description: z.string() }).optional(),
  detail: z.string().optional(),
});
export type ReplayReport = z.infer<typeof replayReportSchema>;

export function runsQueryString(filters: RunFilters): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters))
    if (value !== undefined && value !== '') params.set(key, String(value));
  return params.toString();
}

export function useRuns(filters: RunFilters, enabled = true) {
  return useQuery({
    enabled,
    queryKey: runKeys.list(filters),
    queryFn: ({ signal }) =>
      apiRequest(`/api/runs?${runsQueryString(filters)}`, z.object({ runs: z.array(runSummarySchema) }), {
        signal,
      }),
    select: (data) => data.runs,
  });
}

export function useRun(id: string) {
  return useQuery({
    queryKey: runKeys.detail(id),
    queryFn: ({ signal }) => apiRequest(`/api/runs/${encodeURIComponent(id)}`, runDetailSchema, { signal }),
    // A running customer moves on: look again now and then.
    refetchInterval: (query) => (query.state.data?.run.status === 'running' ? 10_000 : false),
  });
}

/** Where the browser downloads the run's history from (a plain link: no fetch in components). */
export function runHistoryUrl(id: string): string {
  return `/api/runs/${encodeURIComponent(id)}/history`;
}

export function useRunHistory(id: string) {
  return useQuery({
    queryKey: runKeys.history(id),
    queryFn: ({ signal }) => apiRequest(runHistoryUrl(id), historySchema, { signal }),
    retry: false,
  });
}

export function useReplayRun(id: string) {
  return useMutation({
    mutationFn: () =>
      apiRequest(`/api/runs/${encodeURIComponent(id)}/replay`, replayReportSchema, { method: 'POST' }),
  });
}

export const runConversionSchema = z.object({
  runId: z.string(),
  converted: z.boolean(),
  conversion: z
    .object({
      eventId: z.union([z.string(), z.number()]),
      convertedAt: z.string(),
      arm: z.string().nullable(),
      value: z.number().nullable(),
    })
    .loose()
    .nullable(),
});

export function useRunConversion(id: string) {
  return useQuery({
    queryKey: runKeys.conversion(id),
    queryFn: ({ signal }) =>
      apiRequest(`/api/runs/${encodeURIComponent(id)}/conversion`, runConversionSchema, { signal }),
    retry: false,
  });
}

// ---- Results (docs/measurement.md) ----

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

/** `day-arm`: per entry day and arm (plus the pooled holdout), cumulative to date. */
export const resultsGroupBys = ['arm', 'day', 'node', 'day-arm'] as const;
export type ResultsGroupBy = (typeof resultsGroupBys)[number];

export const journeyResultsSchema = z.object({
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
});
export type JourneyResults = z.infer<typeof journeyResultsSchema>;

export function resultsUrl(
  journeyId: string,
  options: { version?: number; groupBy: ResultsGroupBy; format?: 'json' | 'csv' },
): string {
  const params = new URLSearchParams({ groupBy: options.groupBy });
  if (options.version !== undefined) params.set('version', String(options.version));
  if (options.format) params.set('format', options.format);
  return `/api/journeys/${encodeURIComponent(journeyId)}/results?${params.toString()}`;
}

export function useJourneyResults(journeyId: string, version: number | undefined, groupBy: ResultsGroupBy) {
  return useQuery({
    queryKey: resultKeys.journey(journeyId, version, groupBy),
    queryFn: ({ signal }) =>
      apiRequest(
        resultsUrl(journeyId, { groupBy, ...(version !== undefined ? { version } : {}) }),
        journeyResultsSchema,
        { signal },
      ),
    enabled: journeyId !== '',
  });
}

/** An experiment's settings as the API returns them; the limits are the API's (`experimentSettingsSchema`), not repeated here. */
export const experimentSettingsSchema = z.object({
  controlArm: z.string(),
  autoWinner: z.boolean(),
  alpha: z.number(),
  tau: z.number(),
  minPerArm: z.number(),
  maxDays: z.number(),
});
export type ExperimentSettings = z.infer<typeof experimentSettingsSchema>;
/** What the settings form sends: numbers as typed, null for an empty box (the API then names the field). */
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
  decidedAt: z.string().nullable(),
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

export function useExperiments(journeyId: string, version: number | undefined) {
  return useQuery({
    queryKey: resultKeys.experiments(journeyId, version ?? -1),
    queryFn: ({ signal }) =>
      apiRequest(
        `/api/journeys/${encodeURIComponent(journeyId)}/versions/${version}/experiments`,
        z.object({ experiments: z.array(experimentSchema) }),
        { signal },
      ),
    select: (data) => data.experiments,
    enabled: version !== undefined,
  });
}

/** Saves a split's experiment settings; the API answers 400 with `issues` naming the field (`body.alpha`, …). */
export function useSaveExperimentSettings(journeyId: string, version: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ splitStepId, settings }: { splitStepId: string; settings: ExperimentSettingsInput }) =>
      apiRequest(
        `/api/journeys/${encodeURIComponent(journeyId)}/versions/${version}/experiments/${encodeURIComponent(splitStepId)}`,
        z.object({ experiment: z.object({ splitStepId: z.string() }).loose() }),
        { method: 'PUT', body: settings },
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: resultKeys.experiments(journeyId, version) });
    },
  });
}

export const dormancyOverviewSchema = z.object({
  at: z.string(),
  stages: z.array(z.string()),
  tiers: z.array(z.string()),
  cells: z.array(z.object({ stage: z.string(), tier: z.string(), customers: z.number() })),
  total: z.number(),
});
export type DormancyOverview = z.infer<typeof dormancyOverviewSchema>;

export function useDormancyOverview() {
  return useQuery({
    queryKey: resultKeys.dormancy,
    queryFn: ({ signal }) => apiRequest('/api/audience/dormancy', dormancyOverviewSchema, { signal }),
  });
}

/** Customers matching a search (external id, email, phone, name), for the run finder's customer filter. */
export const customerMatchSchema = z
  .object({ id: z.string(), externalId: z.string(), email: z.string().nullable().optional() })
  .loose();
export type CustomerMatch = z.infer<typeof customerMatchSchema>;

export function findCustomers(q: string) {
  return apiRequest(
    `/api/customers?q=${encodeURIComponent(q)}&limit=10`,
    z.object({ customers: z.array(customerMatchSchema) }),
  ).then((d) => d.customers);
}

export function useFindCustomers() {
  return useMutation({ mutationFn: findCustomers });
}

/** Results by entry day of several journeys at once (the workspace dashboard sums them by month). */
export function useResultsByDay(journeyIds: readonly string[]) {
  return useQueries({
    queries: journeyIds.map((id) => ({
      queryKey: resultKeys.journey(id, undefined, 'day'),
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        apiRequest(resultsUrl(id, { groupBy: 'day' }), journeyResultsSchema, { signal }),
    })),
  });
}
