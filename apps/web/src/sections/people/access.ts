/**
 * What the signed-in principal may do, for hiding or disabling controls: `can(permission)` from `GET /auth/me`,
 * and a sentence saying why a control is off, from the permission descriptions of `GET /roles`.
 */
import { useMe, useRoles } from '../../api/people';

export interface Access {
  /** Still loading who we are: treat as "may not", without a reason yet. */
  loading: boolean;
  can(permission: string): boolean;
  /** Why a control needing this permission is off, or undefined when it is on. */
  reason(permission: string): string | undefined;
}

export function accessFrom(
  permissions: readonly string[] | undefined,
  descriptions: Record<string, string> | undefined,
): Omit<Access, 'loading'> {
  const held = new Set(permissions ?? []);
  return {
    can: (p) => held.has(p),
    reason: (p) => {
      if (held.has(p)) return undefined;
      const what = descriptions?.[p];
      return `Your role does not allow this${what ? `: needs “${what}”` : ` (needs ${p})`}`;
    },
  };
}

export function useAccess(): Access {
  const me = useMe();
  const roles = useRoles();
  return { loading: me.isPending, ...accessFrom(me.data?.permissions, roles.data?.permissions) };
}
