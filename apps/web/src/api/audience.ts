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
} from '@tanstack/react-query';
import { z } from 'zod';
import type { Condition } from '@wakeflow/journey';
import { apiRequest } from './client';
import { lookupKeys } from './keys';

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

const iso = z.string();

export const customerSummarySchema = z.object({
  id: z.string(),
  externalId: z.string(),
  email: z.string().nullable(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  lastActivityAt: iso.nullable(),
  valueTier: z.string().nullable(),
});
export type CustomerSummary = z.infer<typeof customerSummarySchema>;

const windowFactsSchema = z.object({
  days: z.number(),
  purchases: z.number(),
  spend: z.number(),
  logins: z.number(),
  activeDays: z.number(),
});

const timelineItemSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('event'),
    at: iso,
    eventId: z.string(),
    name: z.string(),
    properties: z.record(z.string(), z.unknown()),
  }),
  z.object({
    kind: z.literal('message'),
    at: iso,
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
  signedUpAt: iso.nullable(),
  consent: z.record(z.string(), z.boolean().optional()),
  traits: z.record(z.string(), z.unknown()),
  tags: z.array(z.string()),
  facts: z.object({
    lastActivityAt: iso.nullable(),
    lastLoginAt: iso.nullable(),
    lastPurchaseAt: iso.nullable(),
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
      startedAt: iso,
      endedAt: iso.nullable(),
      currentNodeId: z.string().nullable(),
    }),
  ),
});
export type CustomerProfile = z.infer<typeof customerProfileSchema>;

export const savedSegmentSchema = z.object({
  id: z.string(),
  name: z.string(),
  // Checked by the server on write; the builder edits it as a Condition.
  definition: z.custom<Condition>((v) => typeof v === 'object' && v !== null),
  createdAt: iso,
  updatedAt: iso,
});
export type SavedSegment = z.infer<typeof savedSegmentSchema>;

export const conditionFieldSchema = z.object({
  field: z.string(),
  label: z.string(),
  type: z.enum(['text', 'number', 'timestamp', 'date', 'boolean', 'enum']),
  values: z.array(z.string()).optional(),
});
export type ConditionField = z.infer<typeof conditionFieldSchema>;

export const segmentPreviewSchema = z.object({
  count: z.number(),
  sample: z.array(customerSummarySchema),
  tookMs: z.number(),
});
export type SegmentPreview = z.infer<typeof segmentPreviewSchema>;

export const dormancyOverviewSchema = z.object({
  at: iso,
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

const customerPageSchema = z.object({
  customers: z.array(customerSummarySchema),
  next: z.string().nullable(),
});

function fetchCustomerPage(q: string, after: string | null, signal: AbortSignal) {
  const params = new URLSearchParams({ limit: '50', ...(q ? { q } : {}), ...(after ? { after } : {}) });
  return apiRequest(`/api/customers?${params}`, customerPageSchema, { signal });
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
    queryFn: ({ signal }) =>
      apiRequest(`/api/customers/${encodeURIComponent(id)}`, z.object({ customer: customerProfileSchema }), {
        signal,
      }),
    select: (data) => data.customer,
  });
}

export function useSavedSegments() {
  return useQuery({
    queryKey: segmentKeys.list(),
    queryFn: ({ signal }) =>
      apiRequest('/api/segments', z.object({ segments: z.array(savedSegmentSchema) }), { signal }),
    select: (data) => data.segments,
  });
}

export function useSavedSegment(id: string | undefined) {
  return useQuery({
    queryKey: segmentKeys.detail(id ?? ''),
    queryFn: ({ signal }) =>
      apiRequest(`/api/segments/${encodeURIComponent(id ?? '')}`, z.object({ segment: savedSegmentSchema }), {
        signal,
      }),
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
    queryFn: ({ signal }) =>
      apiRequest('/api/segments/fields', z.object({ fields: z.array(conditionFieldSchema) }), { signal }),
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
      apiRequest('/api/segments/preview', segmentPreviewSchema, {
        method: 'POST',
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
        ? apiRequest(
            `/api/segments/${encodeURIComponent(input.id)}`,
            z.object({ segment: savedSegmentSchema }),
            {
              method: 'PATCH',
              body: { name: input.name, definition: input.definition },
            },
          )
        : apiRequest('/api/segments', z.object({ segment: savedSegmentSchema }), {
            method: 'POST',
            body: {
              ...(input.newId ? { id: input.newId } : {}),
              name: input.name,
              definition: input.definition,
            },
          }),
    onSuccess: ({ segment }) => {
      queryClient.setQueryData(segmentKeys.detail(segment.id), { segment });
      void queryClient.invalidateQueries({ queryKey: segmentKeys.list() });
      void queryClient.invalidateQueries({ queryKey: lookupKeys.segments });
    },
  });
}

export function useDeleteSegment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      apiRequest(`/api/segments/${encodeURIComponent(id)}`, z.unknown(), { method: 'DELETE' }),
    onSuccess: (_data, id) => {
      queryClient.removeQueries({ queryKey: segmentKeys.detail(id) });
      void queryClient.invalidateQueries({ queryKey: segmentKeys.list() });
      void queryClient.invalidateQueries({ queryKey: lookupKeys.segments });
    },
  });
}

export function useDormancyOverview() {
  return useQuery({
    queryKey: dormancyKeys.overview,
    queryFn: ({ signal }) => apiRequest('/api/audience/dormancy', dormancyOverviewSchema, { signal }),
  });
}

/** Daily snapshots of customers per stage (× tier) from `from` to `to` (UTC days); `tier` '' means every tier. */
export function useDormancyHistory(range: { from: string; to: string; tier: string }) {
  return useQuery({
    queryKey: dormancyKeys.history(range.from, range.to, range.tier),
    queryFn: ({ signal }) => {
      const params = new URLSearchParams({
        from: range.from,
        to: range.to,
        ...(range.tier ? { tier: range.tier } : {}),
      });
      return apiRequest(`/api/audience/dormancy/history?${params}`, dormancyHistorySchema, { signal });
    },
    placeholderData: keepPreviousData,
  });
}

export function useRecomputeRfm() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiRequest('/api/audience/rfm/recompute', z.unknown(), { method: 'POST' }),
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

export const audienceSettingsSchema = z.object({
  activity: z.object({ mode: z.enum(['all_except', 'only']), events: z.array(z.string()) }),
  loginEvents: z.array(z.string()),
  purchaseEvents: z.array(z.string()),
  amountProperty: z.string(),
  allowRefunds: z.boolean(),
  windowsDays: z.array(z.number()),
  dormancyStagesDays: z.array(z.number()),
  valueTier: z.object({ highMin: z.number(), midMin: z.number() }),
});
export type AudienceSettings = z.infer<typeof audienceSettingsSchema>;

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

export const factsRebuildSchema = z.object({
  workflowId: z.string(),
  status: z.enum(['running', 'completed', 'failed']),
  customersUpdated: z.number().nullable(),
  customersScanned: z.number().nullable(),
  startedAt: iso,
  finishedAt: iso.nullable(),
});
export type FactsRebuild = z.infer<typeof factsRebuildSchema>;

export function useAudienceSettings() {
  return useQuery({
    queryKey: audienceSettingsKeys.settings,
    queryFn: ({ signal }) =>
      apiRequest('/api/audience/settings', z.object({ settings: audienceSettingsSchema }), { signal }),
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
    queryFn: ({ signal }) =>
      apiRequest('/api/audience/facts/rebuild', z.object({ rebuild: factsRebuildSchema.nullable() }), {
        signal,
      }),
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
      apiRequest(
        '/api/audience/settings',
        z.object({
          settings: audienceSettingsSchema,
          rebuild: z.object({ workflowId: z.string() }).nullable(),
        }),
        { method: 'PUT', body: settings },
      ),
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
    mutationFn: () =>
      apiRequest('/api/audience/facts/rebuild', z.object({ rebuild: z.object({ workflowId: z.string() }) }), {
        method: 'POST',
      }),
    onSuccess: () => invalidateFactViews(queryClient),
  });
}
