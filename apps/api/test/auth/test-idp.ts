/**
 * A local OpenID Connect provider for the OIDC tests (oidc-provider, the certified implementation openid-client is
 * tested against). It signs in whichever account the test chose — its interaction endpoint answers login and
 * consent prompts at once instead of showing forms — and otherwise runs the real code flow: PKCE, signed ID
 * tokens, nonce and state.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration } from 'oidc-provider';

export interface TestAccount {
  sub: string;
  email: string;
  emailVerified: boolean;
  name: string;
}

export interface TestIdp {
  issuer: string;
  /** The account the next sign-in authenticates as. */
  signInAs(account: TestAccount): void;
  close(): Promise<void>;
}

export async function startTestIdp(client: {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}): Promise<TestIdp> {
  let current: TestAccount | null = null;
  const accounts = new Map<string, TestAccount>();
  // The issuer names the port, so the server listens before the provider exists and gets its handler after.
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, providerConfig(client, accounts));
  // The test provider's own console output (development keys warning) is noise here.
  provider.on('server_error', () => undefined);

  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.url?.startsWith('/interaction/')) {
      void (async () => {
        try {
          const details = await provider.interactionDetails(req, res);
          if (details.prompt.name === 'login') {
            if (!current) throw new Error('call signInAs() first');
            accounts.set(current.sub, current);
            await provider.interactionFinished(
              req,
              res,
              { login: { accountId: current.sub } },
              { mergeWithLastSubmission: false },
            );
            return;
          }
          const grant = new provider.Grant({
            accountId: details.session!.accountId,
            clientId: String(details.params.client_id),
          });
          grant.addOIDCScope(String(details.params.scope));
          const grantId = await grant.save();
          await provider.interactionFinished(
            req,
            res,
            { consent: { grantId } },
            { mergeWithLastSubmission: true },
          );
        } catch (error) {
          res.statusCode = 500;
          res.end(String(error));
        }
      })();
      return;
    }
    void provider.callback()(req, res);
  });
  return {
    issuer,
    signInAs(account) {
      current = account;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function providerConfig(
  client: { clientId: string; clientSecret: string; redirectUri: string },
  accounts: Map<string, TestAccount>,
): Configuration {
  return {
    clients: [
      {
        client_id: client.clientId,
        client_secret: client.clientSecret,
        redirect_uris: [client.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    async findAccount(_ctx, id) {
      const account = accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        async claims() {
          return { sub: id, email: account.email, email_verified: account.emailVerified, name: account.name };
        },
      };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    // ID tokens carry the claims, so the client needs no userinfo call.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['wakeflow-test-idp-cookie-key'] },
    ttl: {
      Interaction: 600,
      Session: 3_600,
      Grant: 3_600,
      AccessToken: 600,
      IdToken: 600,
      AuthorizationCode: 60,
    },
  };
}
