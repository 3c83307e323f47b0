/**
 * Who is signed in, and the people pages: sign-in and sign-out, people and roles, workspace settings, API keys,
 * publish approvals and the audit log (docs/security.md). Responses are parsed here; components only call hooks.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  apiKeyRoutes,
  apiKeyScopeIds,
  roleIds,
  type RoleId,
  approvalRoutes,
  auditRoutes,
  authRoutes,
  journeyRoutes,
  peopleRoutes,
  type AuditFilters,
  type InvitePersonInput,
  type Me,
  type PublishRequestStatus,
} from '@wakeflow/contracts';
import { callApi, setCsrfToken } from './client';
import { journeyKeys, versionKeys } from './keys';

export type {
  ApiKey,
  Approval,
  ApprovalDetail,
  AuditEntry,
  AuditFilters,
  AuthConfig,
  Invitation,
  InvitePersonInput,
  Me,
  Person,
  PublishAnswer,
  RoleId,
  RolesInfo,
} from '@wakeflow/contracts';
export { roleIds } from '@wakeflow/contracts';

function isRoleId(role: string): role is RoleId {
  return (roleIds as readonly string[]).includes(role);
}

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

function remember(me: Me): Me {
  setCsrfToken(me.kind === 'user' ? me.csrfToken : undefined);
  return me;
}

export function useAuthConfig() {
  return useQuery({
    queryKey: authKeys.config,
    queryFn: ({ signal }) => callApi(authRoutes.config, { signal }),
    staleTime: Infinity,
  });
}

export function useMe() {
  return useQuery({
    queryKey: authKeys.me,
    queryFn: async ({ signal }) => remember(await callApi(authRoutes.me, { signal })),
    staleTime: 60_000,
    retry: false,
  });
}

/** A mutation whose answer is a new session (sign-in, accepting an invitation): become that person. */
function useSignedInBy<I>(signIn: (input: I) => Promise<Me>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: signIn,
    onSuccess: (me) => {
      remember(me);
      // Everything cached belonged to nobody (or someone else): start over as this person.
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'auth' });
      queryClient.setQueryData(authKeys.me, me);
    },
  });
}

export function useSignIn() {
  return useSignedInBy((body: { email: string; password: string }) => callApi(authRoutes.signIn, { body }));
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => callApi(authRoutes.signOut),
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
    mutationFn: (email: string) => callApi(authRoutes.passwordReset, { body: { email } }),
  });
}

// ---- Roles and people ----

export function useRoles() {
  return useQuery({
    queryKey: peopleKeys.roles,
    queryFn: ({ signal }) => callApi(peopleRoutes.roles, { signal }),
    staleTime: Infinity,
  });
}

type PeopleAnswer = Awaited<ReturnType<typeof fetchPeople>>;
function fetchPeople(signal: AbortSignal) {
  return callApi(peopleRoutes.list, { signal });
}

function usePeopleAnswer<T>(select: (data: PeopleAnswer) => T, enabled: boolean) {
  return useQuery({
    queryKey: peopleKeys.people,
    queryFn: ({ signal }) => fetchPeople(signal),
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

export function useInvitePerson() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: InvitePersonInput) => callApi(peopleRoutes.invite, { body: input }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: peopleKeys.people }),
  });
}

export function useWithdrawInvitation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => callApi(peopleRoutes.withdrawInvitation, { params: { id } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: peopleKeys.people }),
  });
}

// ---- Links in account mail (no session needed) ----

export function useInvitationLookup(token: string) {
  return useQuery({
    queryKey: ['auth', 'invitation', token],
    queryFn: ({ signal }) => callApi(authRoutes.invitationLookup, { body: { token }, signal }),
    retry: false,
    staleTime: Infinity,
  });
}

export function useAcceptInvitation() {
  return useSignedInBy((body: { token: string; name?: string; password?: string }) =>
    callApi(authRoutes.invitationAccept, { body }),
  );
}

export function useConfirmPasswordReset() {
  return useMutation({
    mutationFn: (input: { token: string; password: string }) =>
      callApi(authRoutes.passwordResetConfirm, { body: input }),
  });
}

export function useChangeRoles() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, roles }: { userId: string; roles: readonly string[] }) =>
      callApi(peopleRoutes.changeRoles, { params: { userId }, body: { roles: roles.filter(isRoleId) } }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: peopleKeys.people });
      void queryClient.invalidateQueries({ queryKey: authKeys.me });
    },
  });
}

export function useRemovePerson() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => callApi(peopleRoutes.remove, { params: { userId } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: peopleKeys.people }),
  });
}

// ---- Workspace settings ----

export function useWorkspace() {
  return useQuery({
    queryKey: peopleKeys.workspace,
    queryFn: ({ signal }) => callApi(peopleRoutes.workspace, { signal }),
    select: (data) => data.workspace,
  });
}

export function useUpdateWorkspace() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (settings: { requirePublishApproval: boolean }) =>
      callApi(peopleRoutes.updateWorkspace, { body: settings }),
    onSuccess: (data) => queryClient.setQueryData(peopleKeys.workspace, data),
  });
}

// ---- API keys ----

export function useApiKeys(enabled = true) {
  return useQuery({
    queryKey: peopleKeys.apiKeys,
    queryFn: ({ signal }) => callApi(apiKeyRoutes.list, { signal }),
    select: (data) => data.apiKeys,
    enabled,
  });
}

export function useCreateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; scope: string }) => {
      // The scope picker offers the scopes `GET /api/roles` lists; anything else is the server's to refuse.
      const scope = apiKeyScopeIds.find((s) => s === input.scope);
      if (!scope) throw new Error(`Unknown API key scope “${input.scope}”`);
      return callApi(apiKeyRoutes.create, { body: { name: input.name, scope } });
    },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: peopleKeys.apiKeys }),
  });
}

export function useRevokeApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => callApi(apiKeyRoutes.revoke, { params: { id } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: peopleKeys.apiKeys }),
  });
}

// ---- Publish approvals ----

/** Requests with this status; '' means every status. */
export function useApprovals(status: PublishRequestStatus | '') {
  return useQuery({
    queryKey: approvalKeys.list(status),
    queryFn: ({ signal }) =>
      callApi(approvalRoutes.list, {
        query: status === '' ? {} : { status },
        signal,
      }),
    select: (data) => data.approvals,
  });
}

export function useApproval(id: string | undefined) {
  return useQuery({
    queryKey: approvalKeys.detail(id ?? ''),
    queryFn: ({ signal }) => callApi(approvalRoutes.get, { params: { id: id ?? '' }, signal }),
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
      callApi(decision === 'approve' ? approvalRoutes.approve : approvalRoutes.reject, {
        params: { id },
        body: { comment },
      }),
    onSuccess: (data) => {
      void queryClient.invalidateQueries({ queryKey: approvalKeys.all });
      void queryClient.invalidateQueries({ queryKey: versionKeys.all(data.approval.journeyId) });
      void queryClient.invalidateQueries({ queryKey: journeyKeys.list() });
    },
  });
}

/** Publish that also understands the 202 "approval required" answer of a workspace that requires approval. */
export function usePublishOrRequest(journeyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (revision: number) =>
      callApi(journeyRoutes.publish, { params: { id: journeyId }, body: { revision } }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: versionKeys.all(journeyId) });
      void queryClient.invalidateQueries({ queryKey: journeyKeys.list() });
      void queryClient.invalidateQueries({ queryKey: approvalKeys.all });
    },
  });
}

// ---- Audit log ----

export function useAudit(filters: AuditFilters, enabled = true) {
  return useQuery({
    queryKey: auditKeys.list(filters),
    queryFn: ({ signal }) => callApi(auditRoutes.list, { query: { ...filters, limit: 100 }, signal }),
    enabled,
  });
}
