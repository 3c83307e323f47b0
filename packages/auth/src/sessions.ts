/**
 * Server-side sessions in PostgreSQL. The browser holds a random id in an HTTP-only cookie; the row is keyed by its
 * hash. A session expires after `idleMs` without use and at most `absoluteMs` after sign-in; each sign-in makes a
 * new id (the caller deletes any id the browser came with), so an id planted before sign-in is worthless.
 */
import { and, eq, gt, lt, ne } from 'drizzle-orm';
import { memberships, sessions, users, type Database } from '@wakeflow/db';
import type { UserPrincipal } from './principal';
import { permissionsOfRoles } from './roles';
import { cleanRoles } from './users';
import { hashToken, randomToken } from './tokens';

export interface SessionPolicy {
  idleMs: number;
  absoluteMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = {
  idleMs: 8 * 3_600_000,
  absoluteMs: 7 * 24 * 3_600_000,
};

/** Renewing on every request would write on every request; a few minutes of slack costs nothing. */
const RENEW_AFTER_MS = 5 * 60_000;

export interface NewSession {
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

export async function createSession(
  db: Database,
  input: { userId: string; workspaceId: string; ip?: string | null; userAgent?: string | null },
  policy: SessionPolicy = DEFAULT_SESSION_POLICY,
  now = new Date(),
): Promise<NewSession> {
  const token = randomToken();
  const csrfToken = randomToken();
  const expiresAt = new Date(now.getTime() + Math.min(policy.idleMs, policy.absoluteMs));
  await db.insert(sessions).values({
    idHash: hashToken(token),
    userId: input.userId,
    workspaceId: input.workspaceId,
    csrfToken,
    createdAt: now,
    lastSeenAt: now,
    expiresAt,
    ip: input.ip ?? null,
    userAgent: input.userAgent?.slice(0, 500) ?? null,
  });
  return { token, csrfToken, expiresAt };
}

/** The signed-in person behind a session id, or null when unknown, expired, disabled or no longer a member. */
export async function findSessionPrincipal(
  db: Database,
  token: string,
  policy: SessionPolicy = DEFAULT_SESSION_POLICY,
  now = new Date(),
): Promise<UserPrincipal | null> {
  const idHash = hashToken(token);
  const [row] = await db
    .select({ s: sessions, u: users, roles: memberships.roles })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(
      memberships,
      and(eq(memberships.userId, sessions.userId), eq(memberships.workspaceId, sessions.workspaceId)),
    )
    .where(and(eq(sessions.idHash, idHash), gt(sessions.expiresAt, now)));
  if (!row || row.u.disabledAt !== null) return null;
  const absoluteEnd = row.s.createdAt.getTime() + policy.absoluteMs;
  if (absoluteEnd <= now.getTime()) return null;
  if (now.getTime() - row.s.lastSeenAt.getTime() > RENEW_AFTER_MS) {
    const expiresAt = new Date(Math.min(now.getTime() + policy.idleMs, absoluteEnd));
    await db.update(sessions).set({ lastSeenAt: now, expiresAt }).where(eq(sessions.idHash, idHash));
  }
  const roles = cleanRoles(row.roles);
  return {
    kind: 'user',
    userId: row.u.id,
    email: row.u.email,
    name: row.u.name,
    roles,
    permissions: permissionsOfRoles(roles),
    workspaceId: row.s.workspaceId,
    sessionIdHash: idHash,
    csrfToken: row.s.csrfToken,
  };
}

export async function deleteSession(db: Database, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.idHash, hashToken(token)));
}

/** Ends every session of a person (password reset), optionally keeping the one making the change. */
export async function deleteSessionsOfUser(db: Database, userId: string, keepIdHash?: string): Promise<void> {
  await db
    .delete(sessions)
    .where(
      keepIdHash
        ? and(eq(sessions.userId, userId), ne(sessions.idHash, keepIdHash))
        : eq(sessions.userId, userId),
    );
}

export async function deleteExpiredSessions(db: Database, now = new Date()): Promise<void> {
  await db.delete(sessions).where(lt(sessions.expiresAt, now));
}
