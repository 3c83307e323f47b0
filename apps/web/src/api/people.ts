/**
 * Who is signed in, and the people pages: sign-in and sign-out, people and roles, workspace settings, API keys,
 * publish approvals and the audit log (docs/security.md). Responses are parsed here; components only call hooks.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { journeyGraphSchema } from '@wakeflow/journey';
import { apiRequest, setCsrfToken } from './client';
import { journeyKeys, versionKeys } from './keys';
import { problemSchema } from './types';

export const authKeys = {
  config: ['auth', 'config'] as const,
  me: ['auth', 'me'] as const,
};

export const peopleKeys = {
  roles: ['roles'] as const,
  people: ['people'] as const,
  workspace: ['workspace'] as const,
  apiKeys: ['api-keys'] as const,
};

export const approvalKeys = {
  all: ['approvals'] as const,
  list: (status: string) => [...approvalKeys.all, 'list', status] as const,
  detail: (id: string) => [...approvalKeys.all, 'detail', id] as const,
};

export const auditKeys = {
  all: ['audit'] as const,
  list: (filters: AuditFilters) => [...auditKeys.all, filters] as const,
};

// ---- Who is asking ----

export const authConfigSchema = z.object({
  mode: z.enum(['local', 'required']),
  methods: z.object({
    password: z.boolean(),
    oidc: z.object({ label: z.string(), startUrl: z.string() }).nullable(),
  }),
  csrfHeader: z.string(),
});
export type AuthConfig = z.infer<typeof authConfigSchema>;

export const roleIds = ['campaign_manager', 'engineer', 'reviewer', 'admin'] as const;
export type RoleId = (typeof roleIds)[number];

export const meSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('user'),
    user: z.object({ id: z.string(), email: z.string(), name: z.string().nullable() }),
    workspaceId: z.string(),
    roles: z.array(z.string()),
    permissions: z.array(z.string()),
    csrfToken: z.string(),
    workspaces: z.array(z.object({ workspaceId: z.string(), roles: z.array(z.string()) })).default([]),
  }),
  z.object({
    kind: z.literal('api_key'),
    apiKey: z.object({ id: z.string(), name: z.string(), scope: z.string() }),
    workspaceId: z.string(),
    permissions: z.array(z.string()),
  }),
  z.object({ kind: z.literal('local'), workspaceId: z.string(), permissions: z.array(z.string()) }),
]);
export type Me = z.infer<typeof meSchema>;

function remember(me: Me): Me {
  setCsrfToken(me.kind === 'user' ? me.csrfToken : undefined);
  return me;
}

export function useAuthConfig() {
  return useQuery({
    queryKey: authKeys.config,
    queryFn: ({ signal }) => apiRequest('/api/auth/config', authConfigSchema, { signal }),
    staleTime: Infinity,
  });
}

export function useMe() {
  return useQuery({
    queryKey: authKeys.me,
    queryFn: async ({ signal }) => remember(await apiRequest('/api/auth/me', meSchema, { signal })),
    staleTime: 60_000,
    retry: false,
  });
}

/** A mutation whose answer is a new session (sign-in, accepting an invitation): become that person. */
function useSignedInBy<I>(path: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: I) => apiRequest(path, meSchema, { method: 'POST', body: input }),
    onSuccess: (me) => {
      remember(me);
      // Everything cached belonged to nobody (or someone else): start over as this person.
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'auth' });
      queryClient.setQueryData(authKeys.me, me);
    },
  });
}

export function useSignIn() {
  return useSignedInBy<{ email: string; password: string }>('/api/auth/sign-in');
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiRequest('/api/auth/sign-out', z.undefined(), { method: 'POST' }),
    onSettled: () => {
      setCsrfToken(undefined);
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'auth' });
      // Asking again answers 401 (or local mode): the shell then shows sign-in.
      void queryClient.invalidateQueries({ queryKey: authKeys.me });
    },
  });
}

export function useRequestPasswordReset() {
  return useMutation({
    mutationFn: (email: string) =>
      apiRequest('/api/auth/password-reset', z.object({ ok: z.boolean(), message: z.string() }), {
        method: 'POST',
        body: { email },
      }),
  });
}

// ---- Roles and people ----

export const rolesSchema = z.object({
  roles: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      description: z.string(),
      permissions: z.array(z.string()),
    }),
  ),
  permissions: z.record(z.string(), z.string()),
  apiKeyScopes: z.record(z.string(), z.object({ description: z.string(), permissions: z.array(z.string()) })),
});
export type RolesInfo = z.infer<typeof rolesSchema>;

export function useRoles() {
  return useQuery({
    queryKey: peopleKeys.roles,
    queryFn: ({ signal }) => apiRequest('/api/roles', rolesSchema, { signal }),
    staleTime: Infinity,
  });
}

export const personSchema = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  roles: z.array(z.string()),
  signIn: z.object({ password: z.boolean(), oidc: z.boolean() }),
  disabled: z.boolean(),
  addedAt: z.string(),
});
export type Person = z.infer<typeof personSchema>;

export const invitationSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  roles: z.array(z.string()),
  invitedBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
});
export type Invitation = z.infer<typeof invitationSchema>;

const peopleAnswerSchema = z.object({
  people: z.array(personSchema),
  invitations: z.array(invitationSchema).default([]),
});

function usePeopleAnswer<T>(select: (data: z.infer<typeof peopleAnswerSchema>) => T, enabled: boolean) {
  return useQuery({
    queryKey: peopleKeys.people,
    queryFn: ({ signal }) => apiRequest('/api/people', peopleAnswerSchema, { signal }),
    select,
    enabled,
  });
}

export function usePeople(enabled = true) {
  return usePeopleAnswer((data) => data.people, enabled);
}

/** Invitations nobody has accepted yet (people join only by accepting one). */
export function usePendingInvitations(enabled = true) {
  return usePeopleAnswer((data) => data.invitations, enabled);
}

export interface InvitePersonInput {
  email: string;
  name?: string;
  roles: RoleId[];
}

/** How the invitation left: mailed, or (no email provider) only in the API's log, or not at all. */
export const deliverySchema = z.enum(['delivered', 'server_log', 'failed']);

export function useInvitePerson() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: InvitePersonInput) =>
      apiRequest('/api/people', z.object({ invitation: invitationSchema, delivery: deliverySchema }), {
        method: 'POST',
        body: input,
      }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: peopleKeys.people }),
  });
}

export function useWithdrawInvitation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      apiRequest(`/api/invitations/${encodeURIComponent(id)}`, z.undefined(), { method: 'DELETE' }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: peopleKeys.people }),
  });
}

// ---- Links in account mail (no session needed) ----

export const invitationLookupSchema = z.object({
  email: z.string(),
  name: z.string(),
  workspace: z.object({ id: z.string(), name: z.string() }),
  roles: z.array(z.string()),
  expiresAt: z.string(),
  accountExists: z.boolean(),
});

export function useInvitationLookup(token: string) {
  return useQuery({
    queryKey: ['auth', 'invitation', token],
    queryFn: ({ signal }) =>
      apiRequest('/api/auth/invitations/lookup', invitationLookupSchema, {
        method: 'POST',
        body: { token },
        signal,
      }),
    retry: false,
    staleTime: Infinity,
  });
}

export function useAcceptInvitation() {
  return useSignedInBy<{ token: string; name?: string; password?: string }>('/api/auth/invitations/accept');
}

export function useConfirmPasswordReset() {
  return useMutation({
    mutationFn: (input: { token: string; password: string }) =>
      apiRequest('/api/auth/password-reset/confirm', z.object({ ok: z.boolean() }), {
        method: 'POST',
        body: input,
      }),
  });
}

export function useChangeRoles() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, roles }: { userId: string; roles: string[] }) =>
      apiRequest(`/api/people/${encodeURIComponent(userId)}`, z.object({ person: personSchema }), {
        method: 'PATCH',
        body: { roles },
      }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: peopleKeys.people });
      void queryClient.invalidateQueries({ queryKey: authKeys.me });
    },
  });
}

export function useRemovePerson() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) =>
      apiRequest(`/api/people/${encodeURIComponent(userId)}`, z.undefined(), { method: 'DELETE' }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: peopleKeys.people }),
  });
}

// ---- Workspace settings ----

export const workspaceSchema = z.object({
  workspace: z.object({
    id: z.string(),
    name: z.string(),
    settings: z.object({ requirePublishApproval: z.boolean() }).loose(),
  }),
});

export function useWorkspace() {
  return useQuery({
    queryKey: peopleKeys.workspace,
    queryFn: ({ signal }) => apiRequest('/api/workspace', workspaceSchema, { signal }),
    select: (data) => data.workspace,
  });
}

export function useUpdateWorkspace() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (settings: { requirePublishApproval: boolean }) =>
      apiRequest('/api/workspace', workspaceSchema, { method: 'PATCH', body: settings }),
    onSuccess: (data) => queryClient.setQueryData(peopleKeys.workspace, data),
  });
}

// ---- API keys ----

export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  scope: z.string(),
  prefix: z.string(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  revokedBy: z.string().nullable(),
});
export type ApiKey = z.infer<typeof apiKeySchema>;

export function useApiKeys(enabled = true) {
  return useQuery({
    queryKey: peopleKeys.apiKeys,
    queryFn: ({ signal }) =>
      apiRequest('/api/api-keys', z.object({ apiKeys: z.array(apiKeySchema) }), { signal }),
    select: (data) => data.apiKeys,
    enabled,
  });
}

export function useCreateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; scope: string }) =>
      apiRequest(
        '/api/api-keys',
        z.object({ apiKey: apiKeySchema, key: z.string(), note: z.string().optional() }),
        { method: 'POST', body: input },
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: peopleKeys.apiKeys }),
  });
}

export function useRevokeApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      apiRequest(`/api/api-keys/${encodeURIComponent(id)}`, z.undefined(), { method: 'DELETE' }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: peopleKeys.apiKeys }),
  });
}

// ---- Publish approvals ----

export const approvalSchema = z.object({
  id: z.string(),
  journeyId: z.string(),
  journeyName: z.string(),
  draftRevision: z.number(),
  baseVersion: z.number().nullable(),
  status: z.string(),
  requestedBy: z.string(),
  requestComment: z.string().nullable(),
  requestedAt: z.string(),
  decidedBy: z.string().nullable(),
  decisionComment: z.string().nullable(),
  decidedAt: z.string().nullable(),
  version: z.number().nullable(),
});
export type Approval = z.infer<typeof approvalSchema>;

const diffNode = z.object({ id: z.string(), type: z.string().optional() }).loose();
export const approvalDetailSchema = z.object({
  approval: approvalSchema,
  liveVersion: z.number().nullable(),
  diffAgainstVersion: z.number().nullable(),
  diff: z.object({
    nodes: z.object({
      added: z.array(diffNode),
      removed: z.array(diffNode),
      changed: z.array(z.object({ id: z.string(), before: z.unknown(), after: z.unknown() })),
    }),
    edges: z.object({ added: z.array(z.string()), removed: z.array(z.string()) }),
    settings: z.array(z.object({ key: z.string(), before: z.unknown(), after: z.unknown() })),
    unchanged: z.boolean(),
  }),
  validation: z.object({ valid: z.boolean(), problems: z.array(problemSchema) }),
  graph: journeyGraphSchema,
  settings: z.record(z.string(), z.unknown()),
});
export type ApprovalDetail = z.infer<typeof approvalDetailSchema>;

export function useApprovals(status: string) {
  return useQuery({
    queryKey: approvalKeys.list(status),
    queryFn: ({ signal }) =>
      apiRequest(
        `/api/approvals${status ? `?status=${encodeURIComponent(status)}` : ''}`,
        z.object({ approvals: z.array(approvalSchema) }),
        { signal },
      ),
    select: (data) => data.approvals,
  });
}

export function useApproval(id: string | undefined) {
  return useQuery({
    queryKey: approvalKeys.detail(id ?? ''),
    queryFn: ({ signal }) =>
      apiRequest(`/api/approvals/${encodeURIComponent(id!)}`, approvalDetailSchema, { signal }),
    enabled: id !== undefined,
  });
}

export function useDecideApproval() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({
      id,
      decision,
      comment,
    }: {
      id: string;
      decision: 'approve' | 'reject';
      comment: string;
    }) =>
      apiRequest(
        `/api/approvals/${encodeURIComponent(id)}/${decision}`,
        z.object({ approval: approvalSchema, version: z.number().optional() }).loose(),
        { method: 'POST', body: { comment } },
      ),
    onSuccess: (data) => {
      void queryClient.invalidateQueries({ queryKey: approvalKeys.all });
      void queryClient.invalidateQueries({ queryKey: versionKeys.all(data.approval.journeyId) });
      void queryClient.invalidateQueries({ queryKey: journeyKeys.list() });
    },
  });
}

/** Publish that also understands the 202 "approval required" answer of a workspace that requires approval. */
export const publishAnswerSchema = z.union([
  z.object({ version: z.number(), planHash: z.string() }),
  z.object({ approvalRequired: z.literal(true), approval: approvalSchema }),
]);
export type PublishAnswer = z.infer<typeof publishAnswerSchema>;

export function usePublishOrRequest(journeyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (revision: number) =>
      apiRequest(`/api/journeys/${encodeURIComponent(journeyId)}/publish`, publishAnswerSchema, {
        method: 'POST',
        body: { revision },
      }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: versionKeys.all(journeyId) });
      void queryClient.invalidateQueries({ queryKey: journeyKeys.list() });
      void queryClient.invalidateQueries({ queryKey: approvalKeys.all });
    },
  });
}

// ---- Audit log ----

export interface AuditFilters {
  actor?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  from?: string;
  to?: string;
  before?: number;
}

export const auditEntrySchema = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  entityType: z.string().nullable(),
  entityId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export function auditQueryString(filters: AuditFilters, limit = 100): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters))
    if (value !== undefined && value !== '') params.set(key, String(value));
  params.set('limit', String(limit));
  return params.toString();
}

export function useAudit(filters: AuditFilters, enabled = true) {
  return useQuery({
    queryKey: auditKeys.list(filters),
    queryFn: ({ signal }) =>
      apiRequest(
        `/api/audit?${auditQueryString(filters)}`,
        z.object({ entries: z.array(auditEntrySchema), nextBefore: z.number().nullable() }),
        { signal },
      ),
    enabled,
  });
}
