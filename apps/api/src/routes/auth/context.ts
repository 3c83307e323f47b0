/** What every auth route module gets: the API deps with resolved auth options (createApp resolves them once). */
import type { ApiDeps } from '../../deps';
import { resolveAuthOptions, type AuthApiDeps, type AuthOptions } from '../../http/auth-config';

export type AuthRouteDeps = AuthApiDeps & { auth: AuthOptions };

export function withAuthOptions(deps: ApiDeps): AuthRouteDeps {
  return { ...deps, auth: resolveAuthOptions(deps as AuthApiDeps) };
}
