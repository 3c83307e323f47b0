/**
 * docs/roles.md, generated from the role definitions and the route table, so the document cannot drift from what
 * the API enforces (roles-doc.test.ts fails when the file differs; `pnpm --filter @wakeflow/auth docs:roles`
 * rewrites it).
 */
import {
  apiKeyScopeNames,
  apiKeyScopes,
  permissions,
  roleNames,
  roles,
  permissionsOfRoles,
  permissionsOfScope,
  type Permission,
} from './roles';
import { routePermissions, type RouteRule } from './route-permissions';

function allowed(rule: RouteRule, granted: Set<Permission>): boolean {
  if (rule === 'public' || rule === 'signed_in') return true;
  return granted.has(rule);
}

export function renderRolesDoc(): string {
  const lines: string[] = [];
  lines.push('# Roles and permissions');
  lines.push('');
  lines.push(
    '<!-- Generated from packages/auth/src/roles.ts and route-permissions.ts by `pnpm --filter @wakeflow/auth docs:roles`.',
  );
  lines.push('     Do not edit by hand: a test fails when this file and the code differ. -->');
  lines.push('');
  lines.push(
    'Every API route needs one permission; a person holds one or more roles per workspace and gets the union of',
  );
  lines.push(
    "their roles' permissions. API keys get the permissions of their scope. `public` routes need no sign-in;",
  );
  lines.push(
    '`signed_in` routes need any session or key. A route missing from the table is refused to everyone except the',
  );
  lines.push(
    'single-user local mode. Publishing in a workspace that requires approval creates a publish request instead',
  );
  lines.push('of a live version; a reviewer approves or rejects it (see docs/security.md).');
  lines.push('');
  lines.push('## Roles');
  lines.push('');
  lines.push('| role | id | what for | permissions |');
  lines.push('| --- | --- | --- | --- |');
  for (const name of roleNames) {
    const role = roles[name];
    lines.push(
      `| ${role.label} | \`${name}\` | ${role.description} | ${role.permissions.map((p) => `\`${p}\``).join(', ')} |`,
    );
  }
  lines.push('');
  lines.push('## API key scopes');
  lines.push('');
  lines.push('| scope | what for | permissions |');
  lines.push('| --- | --- | --- |');
  for (const name of apiKeyScopeNames) {
    const scope = apiKeyScopes[name];
    lines.push(
      `| \`${name}\` | ${scope.description} | ${scope.permissions.map((p) => `\`${p}\``).join(', ')} |`,
    );
  }
  lines.push('');
  lines.push('## Permissions');
  lines.push('');
  lines.push('| permission | allows |');
  lines.push('| --- | --- |');
  for (const [name, description] of Object.entries(permissions))
    lines.push(`| \`${name}\` | ${description} |`);
  lines.push('');
  lines.push('## Every route against every role');
  lines.push('');
  const roleGrants = roleNames.map((r) => permissionsOfRoles([r]));
  const scopeGrants = apiKeyScopeNames.map((s) => permissionsOfScope(s));
  lines.push(
    `| route | needs | ${roleNames.join(' | ')} | ${apiKeyScopeNames.map((s) => `key: ${s}`).join(' | ')} |`,
  );
  lines.push(
    `| --- | --- | ${roleNames.map(() => ':-:').join(' | ')} | ${apiKeyScopeNames.map(() => ':-:').join(' | ')} |`,
  );
  for (const [route, rule] of Object.entries(routePermissions) as [string, RouteRule][]) {
    const cells = [...roleGrants, ...scopeGrants].map((g) => (allowed(rule, g) ? 'yes' : '—'));
    lines.push(`| \`${route}\` | \`${rule}\` | ${cells.join(' | ')} |`);
  }
  lines.push('');
  return lines.join('\n');
}
