import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderRolesDoc } from './roles-doc';
import { roleNames, roles } from './roles';
import { routePermissions } from './route-permissions';

describe('docs/roles.md', () => {
  it('is exactly what the role definitions and the route table generate', () => {
    const onDisk = readFileSync(new URL('../../../docs/roles.md', import.meta.url), 'utf8');
    // When this fails: `pnpm --filter @wakeflow/auth docs:roles` and commit the result.
    expect(onDisk).toBe(renderRolesDoc());
  });

  it('lists every route and every role', () => {
    const doc = renderRolesDoc();
    for (const route of Object.keys(routePermissions)) expect(doc).toContain(`| \`${route}\` |`);
    for (const role of roleNames) expect(doc).toContain(roles[role].label);
  });
});
