/** The JSON a client gets about who it is (sign-in, OIDC and GET /api/auth/me answer with it). */
import type { Principal } from '@wakeflow/auth';
import { membershipsOf } from '@wakeflow/auth';
import type { Database } from '@wakeflow/db';
import type { meSchema } from '@wakeflow/contracts';
import type { z } from 'zod';

export async function describePrincipal(
  db: Database,
  principal: Principal,
): Promise<z.input<typeof meSchema>> {
  const permissions = [...principal.permissions].sort();
  switch (principal.kind) {
    case 'user':
      return {
        kind: 'user',
        user: { id: principal.userId, email: principal.email, name: principal.name },
        workspaceId: principal.workspaceId,
        roles: principal.roles,
        permissions,
        csrfToken: principal.csrfToken,
        workspaces: await membershipsOf(db, principal.userId),
      };
    case 'api_key':
      return {
        kind: 'api_key',
        apiKey: { id: principal.keyId, name: principal.name, scope: principal.scope },
        workspaceId: principal.workspaceId,
        permissions,
      };
    case 'local':
      return { kind: 'local', workspaceId: principal.workspaceId, permissions };
  }
}
