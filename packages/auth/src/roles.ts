/**
 * Roles and what they may do. A permission names a capability, not a route; the route table
 * (route-permissions.ts) maps every API route to one permission, and the API enforces that table in one middleware.
 * A person may hold several roles in a workspace; their permissions are the union.
 */
import type { ApiKeyScopeId, RoleId } from '@wakeflow/contracts';

export const permissions = {
  'workspace.read':
    'Read everything in the workspace: journeys, versions, runs, messages, templates, segments, coupons, providers (never their secrets), settings',
  'journeys.edit': 'Create journeys, edit drafts and names',
  'journeys.publish': 'Publish a journey (through approval when the workspace requires it)',
  'journeys.operate':
    'Enter customers through the API trigger; pause, resume, stop and archive journeys; take a customer out of a run; check an audience now',
  'journeys.approve': 'Approve or reject a publish request, with a comment',
  'content.edit': 'Create and edit segments, templates, coupon pools and audience settings',
  'providers.manage': 'Configure delivery providers, their secrets and the channel rules',
  'nodes.configure': 'Configure custom activity nodes',
  'api_keys.manage': 'Create and revoke API keys',
  ingest: 'Send customers and events (ingest endpoints)',
  'runs.replay': 'Replay run histories against the current workflow code',
  'audit.read': 'Read the audit log',
  'people.manage': 'Add and remove people, change their roles',
  'workspace.configure': 'Change workspace settings, e.g. whether publishing needs approval',
} as const;

export type Permission = keyof typeof permissions;
export const allPermissions = Object.keys(permissions) as Permission[];

export const roles = {
  campaign_manager: {
    label: 'Campaign manager',
    description:
      'Draws journeys, segments, templates and coupons; publishes (with approval when the workspace requires it); uploads customer and event lists',
    // `ingest` so an offline list can be uploaded from the web app without asking an engineer for an API key.
    permissions: [
      'workspace.read',
      'journeys.edit',
      'journeys.publish',
      'journeys.operate',
      'content.edit',
      'ingest',
    ],
  },
  engineer: {
    label: 'Engineer',
    description: 'Configures providers, secrets, custom node settings and API keys; feeds data in',
    permissions: ['workspace.read', 'providers.manage', 'nodes.configure', 'api_keys.manage', 'ingest'],
  },
  reviewer: {
    label: 'Reviewer',
    description: 'Reads everything, opens runs, replays histories, approves or rejects publishing',
    permissions: ['workspace.read', 'runs.replay', 'journeys.approve', 'audit.read'],
  },
  admin: {
    label: 'Admin',
    description: 'Manages people, roles and workspace settings; reads the audit log',
    permissions: ['workspace.read', 'people.manage', 'workspace.configure', 'audit.read'],
  },
} as const satisfies Record<
  // The ids are the HTTP contract's (what clients send and show); `satisfies` keeps the two lists one.
  RoleId,
  { label: string; description: string; permissions: readonly Permission[] }
>;

export type Role = keyof typeof roles;
export const roleNames = Object.keys(roles) as Role[];

export function isRole(value: string): value is Role {
  return Object.hasOwn(roles, value);
}

export function permissionsOfRoles(held: readonly string[]): Set<Permission> {
  const out = new Set<Permission>();
  for (const role of held) if (isRole(role)) for (const p of roles[role].permissions) out.add(p);
  return out;
}

/**
 * API key scopes. Keys are for machines: none may approve a publish, manage people or mint further keys, so a
 * leaked key cannot widen its own access or wave a journey through review.
 */
export const apiKeyScopes = {
  ingest: { description: 'Send customers and events; nothing else', permissions: ['ingest'] },
  read: { description: 'Read everything a reviewer can read', permissions: ['workspace.read'] },
  admin: {
    description:
      'Server-to-server automation: everything except approving, people, workspace settings and API keys',
    permissions: allPermissions.filter(
      (p) => !['journeys.approve', 'people.manage', 'workspace.configure', 'api_keys.manage'].includes(p),
    ),
  },
} as const satisfies Record<ApiKeyScopeId, { description: string; permissions: readonly Permission[] }>;

export type ApiKeyScope = keyof typeof apiKeyScopes;
export const apiKeyScopeNames = Object.keys(apiKeyScopes) as ApiKeyScope[];

export function permissionsOfScope(scope: ApiKeyScope): Set<Permission> {
  return new Set<Permission>(apiKeyScopes[scope].permissions);
}
