/**
 * The messages area's API: templates (CRUD, validation with line and column, preview for a customer), delivery
 * providers (secrets write-only), coupon pools and the message log. Responses are parsed here; components only call
 * the hooks.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from './client';
import { lookupKeys } from './keys';

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

export const templateChannels = ['email', 'sms', 'push'] as const;
export type TemplateChannel = (typeof templateChannels)[number];

export const templateViewSchema = z.object({
  id: z.string(),
  channel: z.enum(templateChannels),
  name: z.string(),
  subject: z.string().nullable(),
  body: z.string(),
  html: z.string().nullable(),
  category: z.enum(['marketing', 'transactional']),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TemplateView = z.infer<typeof templateViewSchema>;

export const templateProblemSchema = z.object({
  field: z.string(),
  line: z.number(),
  column: z.number(),
  code: z.string(),
  message: z.string(),
});
export type TemplateProblem = z.infer<typeof templateProblemSchema>;

const validationSchema = z.object({ ok: z.boolean(), problems: z.array(templateProblemSchema) });

export const previewResultSchema = z.object({
  rendered: z.object({ subject: z.string().nullable(), text: z.string(), html: z.string().nullable() }),
  problems: z.array(templateProblemSchema),
});
export type PreviewResult = z.infer<typeof previewResultSchema>;

/** The rendered parts of a template, as being edited. */
export interface TemplateDraft {
  channel: TemplateChannel;
  subject: string | null;
  body: string;
  html: string | null;
}

export interface TemplateSaveInput extends TemplateDraft {
  id: string;
  name: string;
  category: 'marketing' | 'transactional';
}

export function useTemplateList() {
  return useQuery({
    queryKey: templateKeys.list(),
    queryFn: ({ signal }) =>
      apiRequest('/api/templates', z.object({ templates: z.array(templateViewSchema) }), { signal }),
    select: (data) => data.templates,
  });
}

export function useTemplate(id: string | undefined) {
  return useQuery({
    queryKey: templateKeys.detail(id ?? ''),
    queryFn: ({ signal }) =>
      apiRequest(
        `/api/templates/${encodeURIComponent(id ?? '')}`,
        z.object({ template: templateViewSchema }),
        { signal },
      ),
    select: (data) => data.template,
    enabled: Boolean(id),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
}

export function validateTemplateDraft(draft: TemplateDraft, signal?: AbortSignal) {
  return apiRequest('/api/templates/validate', validationSchema, {
    method: 'POST',
    body: draft,
    ...(signal ? { signal } : {}),
  });
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
      apiRequest('/api/templates/preview', previewResultSchema, {
        method: 'POST',
        body: { template: draft, context: { customerId: customer } },
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
        ? await apiRequest(
            `/api/templates/${encodeURIComponent(input.id)}`,
            z.object({ template: templateViewSchema }),
            { method: 'PATCH', body },
          )
        : await apiRequest('/api/templates', z.object({ template: templateViewSchema }), {
            method: 'POST',
            body: { ...body, id: input.id, channel: input.channel },
          });
      return answer.template;
    },
    onSuccess: (template) => {
      queryClient.setQueryData(templateKeys.detail(template.id), { template });
      void queryClient.invalidateQueries({ queryKey: templateKeys.list() });
      void queryClient.invalidateQueries({ queryKey: lookupKeys.messageTemplates });
    },
  });
}

export function useDeleteTemplate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      apiRequest(`/api/templates/${encodeURIComponent(id)}`, z.unknown(), { method: 'DELETE' }),
    onSuccess: (_d, id) => {
      queryClient.removeQueries({ queryKey: templateKeys.detail(id) });
      void queryClient.invalidateQueries({ queryKey: templateKeys.list() });
      void queryClient.invalidateQueries({ queryKey: lookupKeys.messageTemplates });
    },
  });
}

export const providerChannels = ['email', 'sms', 'push', 'webhook'] as const;
export type ProviderChannel = (typeof providerChannels)[number];

export const providerSchema = z.object({
  id: z.string(),
  channel: z.enum(providerChannels),
  kind: z.string(),
  settings: z.record(z.string(), z.unknown()),
  /** Names of the secrets that have a value; values never leave the server. */
  secretsSet: z.array(z.string()),
  unitCostMicros: z.number(),
  isDefault: z.boolean(),
  updatedAt: z.string(),
});
export type Provider = z.infer<typeof providerSchema>;

export const effectiveProviderSchema = z.object({
  channel: z.string(),
  providerId: z.string(),
  kind: z.string(),
  isDevelopmentLog: z.boolean(),
  label: z.string(),
});
export type EffectiveProvider = z.infer<typeof effectiveProviderSchema>;

const jsonSchemaObject = z.record(z.string(), z.unknown());
export const providerKindSchema = z.object({
  kind: z.string(),
  label: z.string(),
  channels: z.array(z.string()),
  settingsSchema: jsonSchemaObject,
  secretsSchema: jsonSchemaObject,
});
export type ProviderKind = z.infer<typeof providerKindSchema>;

export function useProviders() {
  return useQuery({
    queryKey: providerKeys.list(),
    queryFn: ({ signal }) =>
      apiRequest(
        '/api/providers',
        z.object({ providers: z.array(providerSchema), effective: z.array(effectiveProviderSchema) }),
        { signal },
      ),
  });
}

export function useProviderKinds() {
  return useQuery({
    queryKey: providerKeys.kinds(),
    queryFn: ({ signal }) =>
      apiRequest('/api/provider-kinds', z.object({ kinds: z.array(providerKindSchema) }), { signal }),
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
        ? apiRequest(
            `/api/providers/${encodeURIComponent(input.id)}`,
            z.object({ provider: providerSchema }),
            {
              method: 'PATCH',
              body: { settings: input.settings, secrets: input.secrets, isDefault: input.isDefault },
            },
          )
        : apiRequest('/api/providers', z.object({ provider: providerSchema }), {
            method: 'POST',
            body: input,
          }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: providerKeys.list() });
    },
  });
}

export function useDeleteProvider() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      apiRequest(`/api/providers/${encodeURIComponent(id)}`, z.unknown(), { method: 'DELETE' }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: providerKeys.list() });
    },
  });
}

export const couponPoolSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  valueCents: z.number(),
  minSpendCents: z.number(),
  currency: z.string(),
  pattern: z.string().nullable(),
  expiresAt: z.string().nullable(),
  stock: z.object({ total: z.number(), free: z.number(), claimed: z.number(), redeemed: z.number() }),
});
export type CouponPool = z.infer<typeof couponPoolSchema>;

export const couponCodeSchema = z.object({
  id: z.number(),
  code: z.string(),
  customerId: z.string().nullable(),
  claimedAt: z.string().nullable(),
  redeemedAt: z.string().nullable(),
});
export type CouponCode = z.infer<typeof couponCodeSchema>;

export interface CouponPoolInput {
  id: string;
  name: string;
  description: string;
  valueCents: number;
  minSpendCents: number;
  currency: string;
  pattern: string | null;
  expiresAt: string | null;
}

export function useCouponPools() {
  return useQuery({
    queryKey: couponKeys.list(),
    queryFn: ({ signal }) =>
      apiRequest('/api/coupon-pools', z.object({ pools: z.array(couponPoolSchema) }), { signal }),
    select: (data) => data.pools,
  });
}

export function useCouponCodes(poolId: string | null, status: 'all' | 'free' | 'claimed' | 'redeemed') {
  return useQuery({
    queryKey: couponKeys.codes(poolId ?? '', status),
    queryFn: ({ signal }) =>
      apiRequest(
        `/api/coupon-pools/${encodeURIComponent(poolId ?? '')}/codes?limit=100${status === 'all' ? '' : `&status=${status}`}`,
        z.object({ codes: z.array(couponCodeSchema) }),
        {
          signal,
        },
      ),
    select: (data) => data.codes,
    enabled: Boolean(poolId),
  });
}

export function useSaveCouponPool(existing: boolean) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CouponPoolInput) =>
      existing
        ? apiRequest(
            `/api/coupon-pools/${encodeURIComponent(input.id)}`,
            z.object({ pool: couponPoolSchema }),
            { method: 'PUT', body: input },
          )
        : apiRequest('/api/coupon-pools', z.object({ pool: couponPoolSchema }), {
            method: 'POST',
            body: input,
          }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: couponKeys.all });
    },
  });
}

export function useImportCouponCodes(poolId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (codes: string[]) =>
      apiRequest(
        `/api/coupon-pools/${encodeURIComponent(poolId)}/codes`,
        z.object({ inserted: z.number(), duplicates: z.number() }),
        { method: 'POST', body: { codes } },
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: couponKeys.all });
    },
  });
}

export function useGenerateCouponCodes(poolId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (count: number) =>
      apiRequest(
        `/api/coupon-pools/${encodeURIComponent(poolId)}/generate`,
        z.object({ inserted: z.number() }),
        { method: 'POST', body: { count } },
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: couponKeys.all });
    },
  });
}

export const messageStatuses = ['pending', 'sent', 'failed', 'skipped'] as const;
export const messageChannels = ['email', 'sms', 'push', 'webhook'] as const;

export interface MessageLogFilters {
  customerId?: string;
  journeyId?: string;
  status?: (typeof messageStatuses)[number];
  channel?: (typeof messageChannels)[number];
}

export const messageLogEntrySchema = z.object({
  id: z.string(),
  customerId: z.string().nullable(),
  journeyId: z.string().nullable(),
  runId: z.string().nullable(),
  nodeId: z.string().nullable(),
  channel: z.string(),
  templateId: z.string().nullable(),
  category: z.string().nullable(),
  status: z.string(),
  reason: z.string().nullable(),
  provider: z.string().nullable(),
  recipient: z.string().nullable(),
  subject: z.string().nullable(),
  body: z.string().nullable(),
  attempts: z.number(),
  deferredUntil: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});
export type MessageLogEntry = z.infer<typeof messageLogEntrySchema>;

/** The query string of a log request; empty filters are left out, so the API sees only what was chosen. */
export function messageLogQuery(filters: MessageLogFilters, limit = 100): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters))
    if (typeof value === 'string' && value.trim()) params.set(name, value.trim());
  params.set('limit', String(limit));
  return params.toString();
}

export function useMessageLog(filters: MessageLogFilters) {
  return useQuery({
    queryKey: messageLogKeys.list(filters),
    queryFn: ({ signal }) =>
      apiRequest(
        `/api/messages?${messageLogQuery(filters)}`,
        z.object({ messages: z.array(messageLogEntrySchema) }),
        { signal },
      ),
    select: (data) => data.messages,
    placeholderData: keepPreviousData,
    retry: false,
  });
}
