/**
 * Who is making a request: a signed-in person (session), an API key, or the single-user local mode. The API decides
 * it once per request; the workspace a request works in is always the principal's, never the client's choice.
 */
import type { ApiKeyScope, Permission, Role } from './roles';

interface PrincipalBase {
  /** The workspace every query of this request is scoped to. */
  workspaceId: string;
  permissions: ReadonlySet<Permission>;
}

export interface UserPrincipal extends PrincipalBase {
  kind: 'user';
  userId: string;
  email: string;
  name: string;
  roles: Role[];
  /** Hash of the session id (the row's key), for sign-out and rotation. */
  sessionIdHash: string;
  csrfToken: string;
}

export interface ApiKeyPrincipal extends PrincipalBase {
  kind: 'api_key';
  keyId: string;
  name: string;
  scope: ApiKeyScope;
}

export interface LocalPrincipal extends PrincipalBase {
  kind: 'local';
}

export type Principal = UserPrincipal | ApiKeyPrincipal | LocalPrincipal;

/** How the audit log and approvals name the principal: stable ids, never an email that can change. */
export function actorOf(principal: Principal): string {
  switch (principal.kind) {
    case 'user':
      return `user:${principal.userId}`;
    case 'api_key':
      return `api_key:${principal.keyId}`;
    case 'local':
      return 'local';
  }
}
