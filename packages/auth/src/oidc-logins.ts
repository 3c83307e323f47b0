/**
 * OIDC sign-ins in progress, between the redirect to the provider and its callback: the state (stored hashed, also
 * held by the browser in a cookie), nonce and PKCE verifier. Taken once, valid ten minutes.
 */
import { and, eq, gt, lt } from 'drizzle-orm';
import { oidcLogins, type Database } from '@wakeflow/db';
import { hashToken } from './tokens';

const TTL_MS = 10 * 60_000;

export async function saveOidcLogin(
  db: Database,
  input: { state: string; nonce: string; codeVerifier: string; returnTo: string },
  now = new Date(),
): Promise<void> {
  await db.delete(oidcLogins).where(lt(oidcLogins.expiresAt, now));
  await db.insert(oidcLogins).values({
    stateHash: hashToken(input.state),
    nonce: input.nonce,
    codeVerifier: input.codeVerifier,
    returnTo: input.returnTo,
    expiresAt: new Date(now.getTime() + TTL_MS),
  });
}

export async function takeOidcLogin(
  db: Database,
  state: string,
  now = new Date(),
): Promise<{ nonce: string; codeVerifier: string; returnTo: string } | null> {
  const [row] = await db
    .delete(oidcLogins)
    .where(and(eq(oidcLogins.stateHash, hashToken(state)), gt(oidcLogins.expiresAt, now)))
    .returning();
  return row ? { nonce: row.nonce, codeVerifier: row.codeVerifier, returnTo: row.returnTo } : null;
}
