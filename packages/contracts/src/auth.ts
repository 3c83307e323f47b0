/**
 * Who is asking: sign-in and sign-out, the session's principal (`/auth/me`), switching workspace, passwords,
 * invitation links and OpenID Connect (docs/security.md).
 */
import { z } from 'zod';
import { okSchema } from './common';
import { defineRoute } from './route';

/** Longest password the server hashes (a cap against hashing megabytes). */
export const MAX_PASSWORD_LENGTH = 512;

export const authConfigSchema = z.object({
  mode: z.enum(['local', 'required']),
  methods: z.object({
    password: z.boolean(),
    oidc: z.object({ label: z.string(), startUrl: z.string() }).nullable(),
  }),
  csrfHeader: z.string(),
});
export type AuthConfig = z.infer<typeof authConfigSchema>;

/** Who a request is made by: a signed-in person, an API key, or this machine in local mode. */
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

export const signInBodySchema = z.object({
  email: z.string().trim().min(1, 'Enter your email').max(320),
  password: z.string().min(1, 'Enter your password').max(MAX_PASSWORD_LENGTH),
  workspaceId: z.string().min(1).optional(),
});

export const changePasswordBodySchema = z.object({
  currentPassword: z.string().min(1).max(MAX_PASSWORD_LENGTH),
  newPassword: z.string().max(MAX_PASSWORD_LENGTH),
});

export const switchWorkspaceBodySchema = z.object({ workspaceId: z.string().min(1).max(63) });

const tokenField = z.string().min(1).max(200);
export const invitationTokenBodySchema = z.object({ token: tokenField });
export const acceptInvitationBodySchema = z.object({
  token: tokenField,
  name: z.string().trim().max(200).default(''),
  password: z.string().max(MAX_PASSWORD_LENGTH).optional(),
});

export const invitationLookupSchema = z.object({
  email: z.string(),
  name: z.string(),
  workspace: z.object({ id: z.string(), name: z.string() }),
  roles: z.array(z.string()),
  expiresAt: z.string(),
  accountExists: z.boolean(),
});

export const passwordResetBodySchema = z.object({ email: z.string().trim().min(1).max(320) });
export const passwordResetConfirmBodySchema = z.object({
  token: z.string().min(1).max(200),
  password: z.string().max(MAX_PASSWORD_LENGTH),
});

export const oidcStartQuerySchema = z.object({ returnTo: z.string().max(2_000).optional() });
export const oidcCallbackQuerySchema = z.object({ state: z.string().min(1).max(500) }).loose();

const tag = 'Sign-in';
const redirect = { mediaType: 'text/plain', description: 'A redirect (Location header)' };

export const authRoutes = {
  config: defineRoute({
    method: 'get',
    path: '/auth/config',
    tag,
    summary: 'How to sign in here: local mode or sign-in required, password, OpenID Connect',
    responses: { 200: authConfigSchema },
  }),
  signIn: defineRoute({
    method: 'post',
    path: '/auth/sign-in',
    tag,
    summary: 'Sign in with email and password (sets the session cookie)',
    body: signInBodySchema,
    responses: { 200: meSchema },
  }),
  signOut: defineRoute({
    method: 'post',
    path: '/auth/sign-out',
    tag,
    summary: 'End the session',
    responses: { 204: null },
  }),
  me: defineRoute({
    method: 'get',
    path: '/auth/me',
    tag,
    summary: 'Who is asking: person, API key or local mode, with permissions',
    responses: { 200: meSchema },
  }),
  switchWorkspace: defineRoute({
    method: 'post',
    path: '/auth/workspace',
    tag,
    summary: 'Move the session to another workspace the person belongs to',
    body: switchWorkspaceBodySchema,
    responses: { 200: meSchema },
  }),
  changePassword: defineRoute({
    method: 'post',
    path: '/auth/password',
    tag,
    summary: 'Change your own password',
    body: changePasswordBodySchema,
    responses: { 204: null },
  }),
  passwordReset: defineRoute({
    method: 'post',
    path: '/auth/password-reset',
    tag,
    summary: 'Mail a password reset link (the answer never says whether the account exists)',
    body: passwordResetBodySchema,
    responses: { 202: z.object({ ok: z.boolean(), message: z.string() }) },
  }),
  passwordResetConfirm: defineRoute({
    method: 'post',
    path: '/auth/password-reset/confirm',
    tag,
    summary: 'Choose a new password with the mailed token',
    body: passwordResetConfirmBodySchema,
    responses: { 200: okSchema },
  }),
  invitationLookup: defineRoute({
    method: 'post',
    path: '/auth/invitations/lookup',
    tag,
    summary: 'What an invitation link offers',
    body: invitationTokenBodySchema,
    responses: { 200: invitationLookupSchema },
  }),
  invitationAccept: defineRoute({
    method: 'post',
    path: '/auth/invitations/accept',
    tag,
    summary: 'Accept an invitation (creating the account if needed) and sign in',
    body: acceptInvitationBodySchema,
    responses: { 200: meSchema },
  }),
  oidcStart: defineRoute({
    method: 'get',
    path: '/auth/oidc/start',
    tag,
    summary: 'Start OpenID Connect sign-in: redirects to the identity provider',
    query: oidcStartQuerySchema,
    responses: { 302: redirect },
  }),
  oidcCallback: defineRoute({
    method: 'get',
    path: '/auth/oidc/callback',
    tag,
    summary: "The identity provider's return: starts the session and redirects into the app",
    query: oidcCallbackQuerySchema,
    responses: { 302: redirect },
  }),
};
