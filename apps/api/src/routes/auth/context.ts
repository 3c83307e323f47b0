/**
 * What every auth route module gets: the API deps with resolved auth options (createApp resolves them once) and
 * the one account mailer they share.
 */
import type { AuthMailer } from '@wakeflow/auth';
import type { ApiDeps } from '../../deps';
import { resolveAuthOptions, type AuthApiDeps, type AuthOptions } from '../../http/auth-config';
import { channelAuthMailer } from './auth-mailer';

export type AuthRouteDeps = AuthApiDeps & { auth: AuthOptions; mailer: AuthMailer };

export function withAuthOptions(deps: ApiDeps): AuthRouteDeps {
  const auth = resolveAuthOptions(deps);
  return { ...deps, auth, mailer: auth.mailer ?? channelAuthMailer(deps.db, deps.logger) };
}
