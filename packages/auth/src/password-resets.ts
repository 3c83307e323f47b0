/** One-time password reset tokens: valid for an hour, used once; only their hash is stored. */
import { and, eq, gt, isNull } from 'drizzle-orm';
import { passwordResets, type Database } from '@wakeflow/db';
import { hashToken, randomToken } from './tokens';

export const RESET_TTL_MS = 60 * 60_000;

export async function createPasswordReset(
  db: Database,
  userId: string,
  now = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken();
  const expiresAt = new Date(now.getTime() + RESET_TTL_MS);
  await db.insert(passwordResets).values({ tokenHash: hashToken(token), userId, expiresAt, createdAt: now });
  return { token, expiresAt };
}

/** Marks the token used and answers its user, or null when unknown, used or expired (atomic: one use only). */
export async function consumePasswordReset(
  db: Database,
  token: string,
  now = new Date(),
): Promise<string | null> {
  const [row] = await db
    .update(passwordResets)
    .set({ usedAt: now })
    .where(
      and(
        eq(passwordResets.tokenHash, hashToken(token)),
        isNull(passwordResets.usedAt),
        gt(passwordResets.expiresAt, now),
      ),
    )
    .returning({ userId: passwordResets.userId });
  return row?.userId ?? null;
}
