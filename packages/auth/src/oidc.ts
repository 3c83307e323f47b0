/**
 * OpenID Connect sign-in for companies, with openid-client (authorization code flow, PKCE, state and nonce). The
 * provider's metadata is discovered once and kept; a failed discovery is retried on the next sign-in instead of
 * breaking the API's start. Plain-http issuers are accepted only on loopback (a local test provider).
 */
import * as client from 'openid-client';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  /** Where the provider sends the browser back: `<public url>/api/auth/oidc/callback`. */
  redirectUri: string;
  scopes: string;
  /** Label on the sign-in button. */
  label: string;
}

export function oidcSettingsFromEnv(env: NodeJS.ProcessEnv, publicUrl: string): OidcSettings | null {
  const issuer = env.WAKEFLOW_OIDC_ISSUER?.trim();
  const clientId = env.WAKEFLOW_OIDC_CLIENT_ID?.trim();
  if (!issuer || !clientId) return null;
  return {
    issuer,
    clientId,
    ...(env.WAKEFLOW_OIDC_CLIENT_SECRET ? { clientSecret: env.WAKEFLOW_OIDC_CLIENT_SECRET } : {}),
    redirectUri: env.WAKEFLOW_OIDC_REDIRECT_URI ?? new URL('/api/auth/oidc/callback', publicUrl).toString(),
    scopes: env.WAKEFLOW_OIDC_SCOPES ?? 'openid email profile',
    label: env.WAKEFLOW_OIDC_LABEL ?? 'Single sign-on',
  };
}

export interface OidcStart {
  url: URL;
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface OidcIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
}

export interface OidcClient {
  readonly settings: OidcSettings;
  start(): Promise<OidcStart>;
  /** Checks the callback (state, code, PKCE, ID token signature, nonce) and answers who signed in. */
  finish(
    callbackUrl: URL,
    checks: { state: string; nonce: string; codeVerifier: string },
  ): Promise<OidcIdentity>;
}

function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

export function createOidcClient(settings: OidcSettings): OidcClient {
  let config: Promise<client.Configuration> | undefined;

  function configuration(): Promise<client.Configuration> {
    if (!config) {
      const issuer = new URL(settings.issuer);
      config = client
        .discovery(
          issuer,
          settings.clientId,
          settings.clientSecret ? { client_secret: settings.clientSecret } : undefined,
          settings.clientSecret ? client.ClientSecretBasic(settings.clientSecret) : client.None(),
          { ...(isLoopbackHttp(issuer) ? { execute: [client.allowInsecureRequests] } : {}), timeout: 10 },
        )
        .catch((error: unknown) => {
          config = undefined;
          throw error;
        });
    }
    return config;
  }

  return {
    settings,
    async start() {
      const c = await configuration();
      const codeVerifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(c, {
        redirect_uri: settings.redirectUri,
        scope: settings.scopes,
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return { url, state, nonce, codeVerifier };
    },
    async finish(callbackUrl, checks) {
      const c = await configuration();
      const tokens = await client.authorizationCodeGrant(c, callbackUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new Error('The identity provider returned no ID token');
      return {
        issuer: claims.iss,
        subject: claims.sub,
        email: typeof claims.email === 'string' ? claims.email : null,
        emailVerified: claims.email_verified === true,
        name: typeof claims.name === 'string' ? claims.name : null,
      };
    },
  };
}
