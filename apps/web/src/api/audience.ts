/**
 * The audience area's API: customer search and profiles, segments (CRUD, the builder's fields and live preview)
 * and the dormancy overview. Responses are parsed here; components only call the hooks.
 */
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';
import type { Condition } from '@wakeflow/journey';
import type { z } from 'zod';
import {
  audienceRoutes,
  audienceSettingsSchema,
  customerRoutes,
  dormancyTiers,
  segmentRoutes,
  type CsvImportTarget,
} from '@wakeflow/contracts';
import { callApi } from './client';
import { lookupKeys } from './keys';

/** After a segment is saved or deleted: its list, and the pickers that offer it, load again. */
function refreshSegmentLists(queryClient: QueryClient) {
  void queryClient.invalidateQueries({ queryKey: segmentKeys.list() });
  void queryClient.invalidateQueries({ queryKey: lookupKeys.segments });
}

export type {
  AudienceSettings,
  CsvImportReport,
  CsvImportTarget,
  ConditionField,
  CustomerProfile,
  CustomerSummary,
  DormancyHistory,
  DormancyOverview,
  FactsRebuild,
  SavedSegment,
  SegmentPreview,
  TimelineItem,
} from '@wakeflow/contracts';

/** Query keys of the audience area, one factory per entity. */
export const customerKeys = {
  all: ['customers'] as const,
  search: (q: string) => [...customerKeys.all, 'search', q] as const,
  pages: (q: string) => [...customerKeys.all, 'pages', q] as const,
  detail: (id: string) => [...customerKeys.all, 'detail', id] as const,
};

export const segmentKeys = {
  all: ['audience-segments'] as const,
  list: () => [...segmentKeys.all, 'list'] as const,
  detail: (id: string) => [...segmentKeys.all, 'detail', id] as const,
  fields: () => [...segmentKeys.all, 'fields'] as const,
  preview: (definition: string, segmentId: string | undefined) =>
    [...segmentKeys.all, 'preview', segmentId ?? '', definition] as const,
};

export const dormancyKeys = {
  overview: ['audience-dormancy'] as const,
  history: (from: string, to: string, tier: string) =>
    ['audience-dormancy', 'history', from, to, tier] as const,
};

function fetchCustomerPage(q: string, after: string | null, signal: AbortSignal) {
  return callApi(customerRoutes.search, { query: { limit: 50, q, after: after ?? undefined }, signal });
}

/** The first 50 matches: enough for a picker. */
export function useCustomerSearch(q: string) {
  return useQuery({
    queryKey: customerKeys.search(q),
    queryFn: ({ signal }) => fetchCustomerPage(q, null, signal),
    placeholderData: keepPreviousData,
  });
}

/** Every match, 50 at a time: the API pages by cursor (`next` → `after`), so a page never skips or repeats. */
export function useCustomerPages(q: string) {
  return useInfiniteQuery({
    queryKey: customerKeys.pages(q),
    queryFn: ({ signal, pageParam }) => fetchCustomerPage(q, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
    placeholderData: keepPreviousData,
  });
}

export function useCustomerProfile(id: string) {
  return useQuery({
    queryKey: customerKeys.detail(id),
    queryFn: ({ signal }) => callApi(customerRoutes.profile, { params: { id }, signal }),
    select: (data) => data.customer,
  });
}

export function useSavedSegments() {
  return useQuery({
    queryKey: segmentKeys.list(),
    queryFn: ({ signal }) => callApi(segmentRoutes.list, { signal }),
    select: (data) => data.segments,
  });
}

export function useSavedSegment(id: string | undefined) {
  return useQuery({
    queryKey: segmentKeys.detail(id ?? ''),
    queryFn: ({ signal }) => callApi(segmentRoutes.get, { params: { id: id ?? '' }, signal }),
    select: (data) => data.segment,
    enabled: Boolean(id),
    // The builder owns the tree once loaded; a refetch must not reset what is being edited.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
}

export function useConditionFields() {
  return useQuery({
    queryKey: segmentKeys.fields(),
    queryFn: ({ signal }) => callApi(segmentRoutes.fields, { signal }),
    select: (data) => data.fields,
    staleTime: 5 * 60_000,
  });
}

/**
 * Count and sample of a definition. Pass the definition already debounced: each distinct tree is one request, the
 * previous answer stays on screen while the next one loads, and 4xx answers (problems in the tree) are not retried.
 */
export function useSegmentPreview(definition: Condition | null, segmentId?: string) {
  const key = definition ? JSON.stringify(definition) : '';
  return useQuery({
    queryKey: segmentKeys.preview(key, segmentId),
    queryFn: ({ signal }) =>
      callApi(segmentRoutes.preview, {
        body: { definition, sampleSize: 10, ...(segmentId ? { segmentId } : {}) },
        signal,
      }),
    enabled: definition !== null,
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: 10_000,
  });
}

export interface SegmentSaveInput {
  /** Present when updating a saved segment. */
  id?: string;
  /** The id a new segment gets (else the server makes one from the name). */
  newId?: string;
  name: string;
  definition: Condition;
}

export function useSaveSegment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: SegmentSaveInput) =>
      input.id
        ? callApi(segmentRoutes.update, {
            params: { id: input.id },
            body: { name: input.name, definition: input.definition },
          })
        : callApi(segmentRoutes.create, {
            body: {
              ...(input.newId ? { id: input.newId } : {}),
              name: input.name,
              definition: input.definition,
            },
          }),
    onSuccess: ({ segment }) => {
      queryClient.setQueryData(segmentKeys.detail(segment.id), { segment });
      refreshSegmentLists(queryClient);
    },
  });
}

export function useDeleteSegment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => callApi(segmentRoutes.remove, { params: { id } }),
    onSuccess: (_data, id) => {
      queryClient.removeQueries({ queryKey: segmentKeys.detail(id) });
      refreshSegmentLists(queryClient);
    },
  });
}

export function useDormancyOverview() {
  return useQuery({
    queryKey: dormancyKeys.overview,
    queryFn: ({ signal }) => callApi(audienceRoutes.dormancy, { signal }),
  });
}

function isTier(tier: string): tier is (typeof dormancyTiers)[number] {
  return (dormancyTiers as readonly string[]).includes(tier);
}

/** Daily snapshots of customers per stage (× tier) from `from` to `to` (UTC days); `tier` '' means every tier. */
export function useDormancyHistory(range: { from: string; to: string; tier: string }) {
  return useQuery({
    queryKey: dormancyKeys.history(range.from, range.to, range.tier),
    queryFn: ({ signal }) =>
      callApi(audienceRoutes.dormancyHistory, {
        query: { from: range.from, to: range.to, ...(isTier(range.tier) ? { tier: range.tier } : {}) },
        signal,
      }),
    placeholderData: keepPreviousData,
  });
}

export function useRecomputeRfm() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => callApi(audienceRoutes.recomputeRfm),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: dormancyKeys.overview });
      void queryClient.invalidateQueries({ queryKey: customerKeys.all });
    },
  });
}

// ---- Fact definitions and the facts rebuild ----

export const audienceSettingsKeys = {
  settings: ['audience-settings'] as const,
  rebuild: ['audience-settings', 'rebuild'] as const,
};

/** What the form sends: numbers it could not read go as null, so the server's schema names the field. */
export interface AudienceSettingsInput {
  activity: { mode: 'all_except' | 'only'; events: string[] };
  loginEvents: string[];
  purchaseEvents: string[];
  amountProperty: string;
  allowRefunds: boolean;
  windowsDays: (number | null)[];
  dormancyStagesDays: (number | null)[];
  valueTier: { highMin: number | null; midMin: number | null };
}

export function useAudienceSettings() {
  return useQuery({
    queryKey: audienceSettingsKeys.settings,
    queryFn: ({ signal }) => callApi(audienceRoutes.settings, { signal }),
    select: (data) => data.settings,
    // The form owns the values once loaded; a refetch must not reset what is being edited.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
}

/** The workspace's latest facts rebuild (null: never), polled every 2 s while it runs. */
export function useFactsRebuild() {
  return useQuery({
    queryKey: audienceSettingsKeys.rebuild,
    queryFn: ({ signal }) => callApi(audienceRoutes.factsRebuild, { signal }),
    select: (data) => data.rebuild,
    refetchInterval: (query) => (query.state.data?.rebuild?.status === 'running' ? 2000 : false),
  });
}

/** Facts, windows, stages and tiers feed the profiles, the dormancy overview and the builder's fields. */
function invalidateFactViews(queryClient: ReturnType<typeof useQueryClient>) {
  void queryClient.invalidateQueries({ queryKey: audienceSettingsKeys.rebuild });
  void queryClient.invalidateQueries({ queryKey: customerKeys.all });
  void queryClient.invalidateQueries({ queryKey: dormancyKeys.overview });
  void queryClient.invalidateQueries({ queryKey: segmentKeys.fields() });
}

export function useSaveAudienceSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (settings: AudienceSettingsInput) =>
      callApi(audienceRoutes.saveSettings, {
        // Numbers the form could not read go as null on purpose: the API then names the field.
        body: settings as z.input<typeof audienceSettingsSchema>,
      }),
    onSuccess: ({ settings }) => {
      queryClient.setQueryData(audienceSettingsKeys.settings, { settings });
      invalidateFactViews(queryClient);
    },
  });
}

/** Starts a rebuild by hand (after one failed). */
export function useStartFactsRebuild() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => callApi(audienceRoutes.startFactsRebuild),
    onSuccess: () => invalidateFactViews(queryClient),
  });
}

/**
 * Uploads a CSV file of customers or events. Answers the importer's report, also when it refused the header (422):
 * the report says what to fix. Imported customers change every customer list, so those are fetched again.
 */
export function useCsvImport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ target, csv }: { target: CsvImportTarget; csv: string }) =>
      callApi(target === 'customers' ? customerRoutes.importCustomers : customerRoutes.importEvents, {
        body: csv,
      }),
    onSuccess: (report) => {
      if (report.imported > 0) void queryClient.invalidateQueries({ queryKey: customerKeys.all });
    },
  });
}
