/**
 * The messages area's API: templates (CRUD, validation with line and column, preview for a customer), delivery
 * providers (secrets write-only), coupon pools and the message log. Responses are parsed here; components only call
 * the hooks.
 */
import {
  keepPreviousData,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';
import {
  couponRoutes,
  messageRoutes,
  providerRoutes,
  templateRoutes,
  type CouponPoolInput,
  type MessageLogFilters,
  type ProviderChannel,
  type TemplateDraft,
  type TemplateProblem,
} from '@wakeflow/contracts';
import { callApi } from './client';
import { lookupKeys } from './keys';

/** After a template is saved or deleted: its list, and the pickers that offer it, load again. */
function refreshTemplateLists(queryClient: QueryClient) {
  void queryClient.invalidateQueries({ queryKey: templateKeys.list() });
  void queryClient.invalidateQueries({ queryKey: lookupKeys.messageTemplates });
}

export type {
  CouponCode,
  CouponPool,
  EffectiveProvider,
  MessageLogEntry,
  MessageLogFilters,
  PreviewResult,
  Provider,
  ProviderChannel,
  ProviderKind,
  TemplateChannel,
  TemplateDraft,
  TemplateProblem,
  TemplateView,
} from '@wakeflow/contracts';
export { messageChannels, messageStatuses, providerChannels, templateChannels } from '@wakeflow/contracts';

/** Query keys of the messages area, one factory per entity. */
export const templateKeys = {
  all: ['templates'] as const,
  list: () => [...templateKeys.all, 'list'] as const,
  detail: (id: string) => [...templateKeys.all, 'detail', id] as const,
  validation: (draft: string) => [...templateKeys.all, 'validation', draft] as const,
  preview: (draft: string, customer: string) => [...templateKeys.all, 'preview', customer, draft] as const,
};

export const providerKeys = {
  all: ['providers'] as const,
  list: () => [...providerKeys.all, 'list'] as const,
  kinds: () => [...providerKeys.all, 'kinds'] as const,
};

export const couponKeys = {
  all: ['coupon-pools'] as const,
  list: () => [...couponKeys.all, 'list'] as const,
  codes: (poolId: string, status: string) => [...couponKeys.all, 'codes', poolId, status] as const,
};

export const messageLogKeys = {
  all: ['message-log'] as const,
  list: (filters: MessageLogFilters) => [...messageLogKeys.all, filters] as const,
};

export interface TemplateSaveInput extends TemplateDraft {
  id: string;
  name: string;
  category: 'marketing' | 'transactional';
}

export function useTemplateList() {
  return useQuery({
    queryKey: templateKeys.list(),
    queryFn: ({ signal }) => callApi(templateRoutes.list, { signal }),
    select: (data) => data.templates,
  });
}

export function useTemplate(id: string | undefined) {
  return useQuery({
    queryKey: templateKeys.detail(id ?? ''),
    queryFn: ({ signal }) => callApi(templateRoutes.get, { params: { id: id ?? '' }, signal }),
    select: (data) => data.template,
    enabled: Boolean(id),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
}

export function validateTemplateDraft(draft: TemplateDraft, signal?: AbortSignal) {
  return callApi(templateRoutes.validate, { body: draft, ...(signal ? { signal } : {}) });
}

/** Parse and variable problems of a (debounced) draft, with line and column per field. */
export function useTemplateValidation(draft: TemplateDraft) {
  return useQuery({
    queryKey: templateKeys.validation(JSON.stringify(draft)),
    queryFn: ({ signal }) => validateTemplateDraft(draft, signal),
    placeholderData: keepPreviousData,
    retry: false,
  });
}

/** The draft rendered for one customer (id or external id); null customer = no preview. */
export function useTemplatePreview(draft: TemplateDraft, customer: string | null) {
  return useQuery({
    queryKey: templateKeys.preview(JSON.stringify(draft), customer ?? ''),
    queryFn: ({ signal }) =>
      callApi(templateRoutes.previewDraft, {
        body: { template: draft, context: { customerId: customer ?? '' } },
        signal,
      }),
    enabled: Boolean(customer),
    placeholderData: keepPreviousData,
    retry: false,
  });
}

/** Thrown by save when the server refuses the template: the problems carry field, line and column. */
export class TemplateProblemsError extends Error {
  constructor(readonly problems: TemplateProblem[]) {
    super(`The template has ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
    this.name = 'TemplateProblemsError';
  }
}

/**
 * Saves a new or existing template. The draft is validated first, so refusals come back with line and column
 * (the 422 answer's own list is not kept by the shared client); a 422 that slips through is re-validated.
 */
export function useSaveTemplate(existing: boolean) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: TemplateSaveInput) => {
      const check = await validateTemplateDraft(input);
      if (!check.ok) throw new TemplateProblemsError(check.problems);
      const body = {
        name: input.name,
        subject: input.subject,
        body: input.body,
        html: input.html,
        category: input.category,
      };
      const answer = existing
        ? await callApi(templateRoutes.update, { params: { id: input.id }, body })
        : await callApi(templateRoutes.create, { body: { ...body, id: input.id, channel: input.channel } });
      return answer.template;
    },
    onSuccess: (template) => {
      queryClient.setQueryData(templateKeys.detail(template.id), { template });
      refreshTemplateLists(queryClient);
    },
  });
}

export function useDeleteTemplate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => callApi(templateRoutes.remove, { params: { id } }),
    onSuccess: (_d, id) => {
      queryClient.removeQueries({ queryKey: templateKeys.detail(id) });
      refreshTemplateLists(queryClient);
    },
  });
}

export function useProviders() {
  return useQuery({
    queryKey: providerKeys.list(),
    queryFn: ({ signal }) => callApi(providerRoutes.list, { signal }),
  });
}

export function useProviderKinds() {
  return useQuery({
    queryKey: providerKeys.kinds(),
    queryFn: ({ signal }) => callApi(providerRoutes.kinds, { signal }),
    select: (data) => data.kinds,
    staleTime: Infinity,
  });
}

export interface ProviderSaveInput {
  id: string;
  channel: ProviderChannel;
  kind: string;
  settings: Record<string, unknown>;
  /** Only the secrets being changed: a value sets it, null removes it, a name left out keeps its value. */
  secrets: Record<string, string | null>;
  isDefault: boolean;
}

export function useSaveProvider(existing: boolean) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ProviderSaveInput) =>
      existing
        ? callApi(providerRoutes.update, {
            params: { id: input.id },
            body: { settings: input.settings, secrets: input.secrets, isDefault: input.isDefault },
          })
        : callApi(providerRoutes.create, { body: input }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: providerKeys.list() });
    },
  });
}

export function useDeleteProvider() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => callApi(providerRoutes.remove, { params: { id } }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: providerKeys.list() });
    },
  });
}

export function useCouponPools() {
  return useQuery({
    queryKey: couponKeys.list(),
    queryFn: ({ signal }) => callApi(couponRoutes.list, { signal }),
    select: (data) => data.pools,
  });
}

export function useCouponCodes(poolId: string | null, status: 'all' | 'free' | 'claimed' | 'redeemed') {
  return useQuery({
    queryKey: couponKeys.codes(poolId ?? '', status),
    queryFn: ({ signal }) =>
      callApi(couponRoutes.codes, {
        params: { id: poolId ?? '' },
        query: { limit: 100, ...(status === 'all' ? {} : { status }) },
        signal,
      }),
    select: (data) => data.codes,
    enabled: Boolean(poolId),
  });
}

export function useSaveCouponPool(existing: boolean) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CouponPoolInput) =>
      existing
        ? callApi(couponRoutes.save, { params: { id: input.id }, body: input })
        : callApi(couponRoutes.create, { body: input }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: couponKeys.all });
    },
  });
}

export function useImportCouponCodes(poolId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (codes: string[]) =>
      callApi(couponRoutes.importCodes, { params: { id: poolId }, body: { codes } }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: couponKeys.all });
    },
  });
}

export function useGenerateCouponCodes(poolId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (count: number) =>
      callApi(couponRoutes.generate, { params: { id: poolId }, body: { count } }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: couponKeys.all });
    },
  });
}

/** The query of a log request: empty filters are left out, so the API sees only what was chosen. */
export function messageLogParams(filters: MessageLogFilters, limit = 100) {
  const chosen = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);
  return {
    customerId: chosen(filters.customerId),
    journeyId: chosen(filters.journeyId),
    status: filters.status || undefined,
    channel: filters.channel || undefined,
    limit,
  };
}

/** The same as a query string (what a link to the log would carry). */
export function messageLogQuery(filters: MessageLogFilters, limit = 100): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(messageLogParams(filters, limit)))
    if (value !== undefined) params.set(name, String(value));
  return params.toString();
}

export function useMessageLog(filters: MessageLogFilters) {
  return useQuery({
    queryKey: messageLogKeys.list(filters),
    queryFn: ({ signal }) => callApi(messageRoutes.log, { query: messageLogParams(filters), signal }),
    select: (data) => data.messages,
    placeholderData: keepPreviousData,
    retry: false,
  });
}
