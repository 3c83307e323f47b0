/** People and roles, invitations, and the workspace's own settings (docs/roles.md). */
import { z } from 'zod';
import { defineRoute } from './route';

export const roleIds = ['campaign_manager', 'engineer', 'reviewer', 'admin'] as const;
export type RoleId = (typeof roleIds)[number];

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

export const peopleAnswerSchema = z.object({
  people: z.array(personSchema),
  invitations: z.array(invitationSchema).default([]),
});

/** How the invitation left: mailed, or (no email provider) only in the API's log, or not at all. */
export const deliverySchema = z.enum(['delivered', 'server_log', 'failed']);

const roleList = z.array(z.enum(roleIds)).min(1, 'Give the person at least one role');
export const invitePersonBodySchema = z.object({
  email: z.email('Not an email address').max(320),
  name: z.string().trim().max(200).default(''),
  roles: roleList,
  /** Refused when sent: people choose their own password through the invitation link. */
  password: z
    .unknown()
    .refine((value) => value === undefined, {
      message: 'People choose their own password through the invitation link; leave it out',
    })
    .optional()
    .meta({ description: 'Leave it out: people choose their own password through the invitation link' }),
});
export type InvitePersonInput = z.input<typeof invitePersonBodySchema>;
export const changeRolesBodySchema = z.object({ roles: roleList });

export const personParams = z.object({ userId: z.uuid('Not a person id') });
export const invitationParams = z.object({ id: z.uuid('Not an invitation id') });

export const workspaceAnswerSchema = z.object({
  workspace: z.object({
    id: z.string(),
    name: z.string(),
    settings: z.object({ requirePublishApproval: z.boolean() }).loose(),
  }),
});
/** Settings an admin may change; unknown keys are refused. */
export const workspaceSettingsPatchSchema = z
  .object({ requirePublishApproval: z.boolean() })
  .partial()
  .strict();

const tag = 'People';

export const peopleRoutes = {
  roles: defineRoute({
    method: 'get',
    path: '/roles',
    tag,
    summary: 'Roles, permissions and API key scopes',
    responses: { 200: rolesSchema },
  }),
  list: defineRoute({
    method: 'get',
    path: '/people',
    tag,
    summary: 'People of the workspace and pending invitations',
    responses: { 200: peopleAnswerSchema },
  }),
  invite: defineRoute({
    method: 'post',
    path: '/people',
    tag,
    summary: 'Invite a person by email',
    body: invitePersonBodySchema,
    responses: { 201: z.object({ invitation: invitationSchema, delivery: deliverySchema }) },
  }),
  withdrawInvitation: defineRoute({
    method: 'delete',
    path: '/invitations/:id',
    tag,
    summary: 'Withdraw a pending invitation',
    params: invitationParams,
    responses: { 204: null },
  }),
  changeRoles: defineRoute({
    method: 'patch',
    path: '/people/:userId',
    tag,
    summary: "Change a person's roles",
    params: personParams,
    body: changeRolesBodySchema,
    responses: { 200: z.object({ person: personSchema }) },
  }),
  remove: defineRoute({
    method: 'delete',
    path: '/people/:userId',
    tag,
    summary: 'Remove a person from the workspace',
    params: personParams,
    responses: { 204: null },
  }),
  workspace: defineRoute({
    method: 'get',
    path: '/workspace',
    tag,
    summary: "The workspace's name and settings",
    responses: { 200: workspaceAnswerSchema },
  }),
  updateWorkspace: defineRoute({
    method: 'patch',
    path: '/workspace',
    tag,
    summary: "Change the workspace's settings",
    body: workspaceSettingsPatchSchema,
    responses: { 200: workspaceAnswerSchema },
  }),
};
