/**
 * How the API authenticates, from the environment or handed in by tests. `WAKEFLOW_AUTH=local` is the first-run
 * mode: without sign-in, every request is an admin of the default workspace — so it refuses to start on a
 * non-loopback address unless `WAKEFLOW_ADMIN_PASSWORD` is set, in which case sign-in is required (as the admin
 * account that password belongs to). Anything else (the default) requires sign-in.
 */
import type { AuthMailer, OidcClient, SessionPolicy } from '@wakeflow/auth';
import { createOidcClient, DEFAULT_SESSION_POLICY, oidcSettingsFromEnv } from '@wakeflow/auth';
import { loadSecretKeys } from '@wakeflow/channels';
import type { ApiDeps } from '../deps';

export type AuthMode = 'local' | 'required';

export interface AuthLimits {
  /** Failed sign-ins per IP and email within the window before answering 429. */
  signInFailures: number;
  /** Failed sign-ins per email from any address within the window (a guessing run spread over many IPs). */
  signInFailuresPerAccount: number;
  /** Sign-in attempts per IP (any email) within the window. */
  signInPerIp: number;
  signInWindowMs: number;
  /** Ingest requests per principal per minute. */
  ingestPerMinute: number;
}

export interface AuthOptions {
  mode: AuthMode;
  /** Public origin of the app: reset links point at it, and browser requests from it pass the Origin check. */
  publicUrl: string;
  /**
   * Every origin whose browser requests are accepted: the public URL's (and its loopback aliases when it is a
   * loopback URL), `WAKEFLOW_ALLOWED_ORIGINS` and, outside production, the Vite dev server. The API never derives an
   * origin from the request itself: a DNS-rebinding page sends matching Host and Origin headers.
   */
  allowedOrigins: string[];
  /**
   * Proxies whose X-Forwarded-For is believed (Express `trust proxy` addresses, CIDRs or `loopback`/`linklocal`/
   * `uniquelocal`), from `WAKEFLOW_TRUSTED_PROXIES`. Empty: the client IP is the socket's, so a rate-limited client
   * cannot pick a new IP per request.
   */
  trustedProxies: string[];
  /** Secure (and `__Host-` prefixed) cookies: on whenever the public URL is https. */
  secureCookies: boolean;
  session: SessionPolicy;
  oidc: OidcClient | null;
  /** Sends reset and invitation links; routes/auth/auth-mailer.ts decides the channel when not given. */
  mailer?: AuthMailer;
  limits: AuthLimits;
}

export type AuthApiDeps = ApiDeps & { auth?: Partial<AuthOptions> };

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function commaList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A loopback public URL is reached as localhost, 127.0.0.1 or [::1] alike; each is the same local server. */
function loopbackAliases(origin: URL): string[] {
  if (!isLoopbackHost(origin.hostname)) return [];
  const port = origin.port ? `:${origin.port}` : '';
  return ['localhost', '127.0.0.1', '[::1]'].map((host) => `${origin.protocol}//${host}${port}`);
}

export interface AuthStartup {
  mode: AuthMode;
  /** The admin account to make sure exists (from WAKEFLOW_ADMIN_EMAIL / WAKEFLOW_ADMIN_PASSWORD), if any. */
  admin: { email: string; password: string } | null;
}

/**
 * Decides the auth mode at start and refuses unsafe combinations; main.ts calls it before listening. Throws an
 * Error whose message says what to set.
 */
export function checkAuthStartup(env: NodeJS.ProcessEnv, host: string): AuthStartup {
  const raw = (env.WAKEFLOW_AUTH ?? 'required').trim().toLowerCase();
  if (raw !== 'local' && raw !== 'required')
    throw new Error(`WAKEFLOW_AUTH must be "local" or "required", not "${raw}"`);
  const password = env.WAKEFLOW_ADMIN_PASSWORD;
  const admin = password ? { email: env.WAKEFLOW_ADMIN_EMAIL ?? 'admin@localhost', password } : null;
  if (raw === 'local' && !admin && !isLoopbackHost(host)) {
    throw new Error(
      `WAKEFLOW_AUTH=local lets anyone who can reach the API act as an admin, so it only binds to loopback; API_HOST is ${host}. ` +
        'Set WAKEFLOW_ADMIN_PASSWORD (sign-in is then required) or bind to 127.0.0.1.',
    );
  }
  // Refuse to start rather than sign links with a published key whenever sign-in is required.
  loadSecretKeys(env);
  // With an admin password, "local" means "one local admin account", signed in like everyone else.
  return { mode: raw === 'local' && !admin ? 'local' : 'required', admin };
}

export function defaultPublicUrl(env: NodeJS.ProcessEnv): string {
  return env.WAKEFLOW_PUBLIC_URL ?? `http://127.0.0.1:${env.API_PORT ?? 3000}`;
}

/** Options for one app: what the caller gave, the rest from the environment. */
export function resolveAuthOptions(deps: AuthApiDeps, env: NodeJS.ProcessEnv = process.env): AuthOptions {
  const given = deps.auth ?? {};
  const publicUrl = given.publicUrl ?? defaultPublicUrl(env);
  const webPort = env.WEB_PORT ?? '5173';
  const allowedOrigins = given.allowedOrigins ?? [
    ...commaList(env.WAKEFLOW_ALLOWED_ORIGINS),
    // The editor's dev server proxies /api and its browser sends its own origin.
    ...(env.NODE_ENV === 'production' ? [] : [`http://localhost:${webPort}`, `http://127.0.0.1:${webPort}`]),
  ];
  const envMode: AuthMode =
    env.WAKEFLOW_AUTH?.trim().toLowerCase() === 'local' && !env.WAKEFLOW_ADMIN_PASSWORD
      ? 'local'
      : 'required';
  const oidcSettings = oidcSettingsFromEnv(env, publicUrl);
  return {
    mode: given.mode ?? envMode,
    publicUrl,
    allowedOrigins: [
      ...new Set([new URL(publicUrl).origin, ...loopbackAliases(new URL(publicUrl)), ...allowedOrigins]),
    ],
    trustedProxies: given.trustedProxies ?? commaList(env.WAKEFLOW_TRUSTED_PROXIES),
    secureCookies: given.secureCookies ?? publicUrl.startsWith('https:'),
    session: given.session ?? DEFAULT_SESSION_POLICY,
    oidc: given.oidc !== undefined ? given.oidc : oidcSettings ? createOidcClient(oidcSettings) : null,
    ...(given.mailer ? { mailer: given.mailer } : {}),
    limits: {
      signInFailures: 5,
      signInFailuresPerAccount: 20,
      signInPerIp: 50,
      signInWindowMs: 15 * 60_000,
      ingestPerMinute: Number(env.WAKEFLOW_INGEST_RATE_LIMIT ?? 6_000),
      ...given.limits,
    },
  };
}
