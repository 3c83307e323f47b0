/**
 * Runs and results: find runs, open one with its steps and messages, its Temporal history (download and replay),
 * and the measurement figures (journey results, experiments, the dormancy overview) the results pages chart.
 */
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { RUN_STATUSES, type RunStatus } from '@wakeflow/journey';
import {
  analyticsRoutes,
  audienceRoutes,
  customerRoutes,
  runRoutes,
  experimentSettingsSchema,
  type ExperimentSettingsInput,
  type ResultsGroupBy,
  type RunFilters,
} from '@wakeflow/contracts';
import { callApi, routeUrl } from './client';

export type {
  CustomerSummary as CustomerMatch,
  DormancyOverview,
  Experiment,
  ExperimentSettings,
  ExperimentSettingsInput,
  GroupFigures,
  HistoryJson,
  JourneyResults,
  LiftFigures,
  ReplayReport,
  ResultsGroupBy,
  RunDetail,
  RunFilters,
  RunMessage,
  RunStep,
  RunSummary,
} from '@wakeflow/contracts';
export { historySchema, resultsGroupBys } from '@wakeflow/contracts';

/** A run status from a URL or a picker, if it is one. */
export function asRunStatus(value: string | null | undefined): RunStatus | undefined {
  return RUN_STATUSES.find((status) => status === value);
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

export { RUN_STATUSES as runStatuses };

export function useRuns(filters: RunFilters, enabled = true) {
  return useQuery({
    enabled,
    queryKey: runKeys.list(filters),
    queryFn: ({ signal }) => callApi(runRoutes.list, { query: filters, signal }),
    select: (data) => data.runs,
  });
}

export function useRun(id: string) {
  return useQuery({
    queryKey: runKeys.detail(id),
    queryFn: ({ signal }) => callApi(runRoutes.get, { params: { id }, signal }),
    // A running customer moves on: look again now and then.
    refetchInterval: (query) => (query.state.data?.run.status === 'running' ? 10_000 : false),
  });
}

/** Where the browser downloads the run's history from (a plain link: no fetch in components). */
export function runHistoryUrl(id: string): string {
  return routeUrl(runRoutes.history, { id });
}

export function useRunHistory(id: string) {
  return useQuery({
    queryKey: runKeys.history(id),
    queryFn: ({ signal }) => callApi(runRoutes.history, { params: { id }, signal }),
    retry: false,
  });
}

export function useReplayRun(id: string) {
  return useMutation({
    mutationFn: () => callApi(runRoutes.replay, { params: { id } }),
  });
}

export function useRunConversion(id: string) {
  return useQuery({
    queryKey: runKeys.conversion(id),
    queryFn: ({ signal }) => callApi(analyticsRoutes.runConversion, { params: { id }, signal }),
    retry: false,
  });
}

// ---- Results (docs/measurement.md) ----

export function resultsUrl(
  journeyId: string,
  options: { version?: number; groupBy: ResultsGroupBy; format?: 'json' | 'csv' },
): string {
  return routeUrl(analyticsRoutes.results, { id: journeyId }, options);
}

export function useJourneyResults(journeyId: string, version: number | undefined, groupBy: ResultsGroupBy) {
  return useQuery({
    queryKey: resultKeys.journey(journeyId, version, groupBy),
    queryFn: ({ signal }) =>
      callApi(analyticsRoutes.results, { params: { id: journeyId }, query: { groupBy, version }, signal }),
    enabled: journeyId !== '',
  });
}

export function useExperiments(journeyId: string, version: number | undefined) {
  return useQuery({
    queryKey: resultKeys.experiments(journeyId, version ?? -1),
    queryFn: ({ signal }) =>
      callApi(analyticsRoutes.experiments, { params: { id: journeyId, version: version ?? -1 }, signal }),
    select: (data) => data.experiments,
    enabled: version !== undefined,
  });
}

/** Saves a split's experiment settings; the API answers 400 with `issues` naming the field (`body.alpha`, …). */
export function useSaveExperimentSettings(journeyId: string, version: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ splitStepId, settings }: { splitStepId: string; settings: ExperimentSettingsInput }) =>
      callApi(analyticsRoutes.configureExperiment, {
        params: { id: journeyId, version, stepId: splitStepId },
        // Empty boxes go as null on purpose: the API then answers 400 naming the field (`body.alpha`, …).
        body: settings as z.input<typeof experimentSettingsSchema>,
      }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: resultKeys.experiments(journeyId, version) });
    },
  });
}

export function useDormancyOverview() {
  return useQuery({
    queryKey: resultKeys.dormancy,
    queryFn: ({ signal }) => callApi(audienceRoutes.dormancy, { signal }),
  });
}

/** Customers matching a search (external id, email, phone, name), for the run finder's customer filter. */
export function findCustomers(q: string) {
  return callApi(customerRoutes.search, { query: { q, limit: 10 } }).then((d) => d.customers);
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
        callApi(analyticsRoutes.results, { params: { id }, query: { groupBy: 'day' }, signal }),
    })),
  });
}
