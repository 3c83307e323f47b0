/** People and their roles per workspace: create, find, list, change roles, set passwords. */
import { and, asc, eq, sql } from 'drizzle-orm';
import { memberships, sessions, users, type Database } from '@wakeflow/db';
import { isRole, type Role } from './roles';

export type UserRow = typeof users.$inferSelect;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function findUserByEmail(db: Database, email: string): Promise<UserRow | null> {
  const [row] = await db
    .select()
    .from(users)
    .where(eq(users.email, normaliseEmail(email)));
  return row ?? null;
}

export async function findUserById(db: Database, id: string): Promise<UserRow | null> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row ?? null;
}

/** Creates the account, or returns the existing one with that email (adding a known person to a workspace). */
export async function ensureUser(
  db: Database,
  input: { email: string; name?: string; passwordHash?: string | null },
): Promise<{ user: UserRow; created: boolean }> {
  const email = normaliseEmail(input.email);
  const [inserted] = await db
    .insert(users)
    .values({ email, name: input.name ?? '', passwordHash: input.passwordHash ?? null })
    .onConflictDoNothing()
    .returning();
  if (inserted) return { user: inserted, created: true };
  return { user: (await findUserByEmail(db, email))!, created: false };
}

export async function setPasswordHash(db: Database, userId: string, passwordHash: string): Promise<void> {
  await db.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, userId));
}

export function cleanRoles(roles: readonly string[]): Role[] {
  return [...new Set(roles.filter(isRole))].sort();
}

export async function membershipsOf(
  db: Database,
  userId: string,
): Promise<{ workspaceId: string; roles: Role[] }[]> {
  const rows = await db
    .select()
    .from(memberships)
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.createdAt), asc(memberships.workspaceId));
  return rows.map((r) => ({ workspaceId: r.workspaceId, roles: cleanRoles(r.roles) }));
}

export async function membershipOf(
  db: Database,
  workspaceId: string,
  userId: string,
): Promise<{ roles: Role[] } | null> {
  const [row] = await db
    .select()
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
  return row ? { roles: cleanRoles(row.roles) } : null;
}

/** Sets a person's roles in a workspace (adding them if needed); answers the roles before, or null if new. */
export async function setMembership(
  db: Database,
  workspaceId: string,
  userId: string,
  roles: readonly Role[],
): Promise<{ before: Role[] | null }> {
  const before = await membershipOf(db, workspaceId, userId);
  await db
    .insert(memberships)
    .values({ workspaceId, userId, roles: cleanRoles(roles) })
    .onConflictDoUpdate({
      target: [memberships.workspaceId, memberships.userId],
      set: { roles: cleanRoles(roles), updatedAt: new Date() },
    });
  return { before: before?.roles ?? null };
}

/** Removes a person from a workspace and ends their sessions there. */
export async function removeMembership(db: Database, workspaceId: string, userId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const removed = await tx
      .delete(memberships)
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)))
      .returning({ userId: memberships.userId });
    await tx.delete(sessions).where(and(eq(sessions.workspaceId, workspaceId), eq(sessions.userId, userId)));
    return removed.length > 0;
  });
}

export interface Person {
  userId: string;
  email: string;
  name: string;
  roles: Role[];
  signIn: { password: boolean; oidc: boolean };
  disabled: boolean;
  addedAt: string;
}

export async function listPeople(db: Database, workspaceId: string): Promise<Person[]> {
  const rows = await db
    .select({ m: memberships, u: users })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.workspaceId, workspaceId))
    .orderBy(asc(users.email));
  return rows.map(({ m, u }) => ({
    userId: u.id,
    email: u.email,
    name: u.name,
    roles: cleanRoles(m.roles),
    signIn: { password: u.passwordHash !== null, oidc: u.oidcSubject !== null },
    disabled: u.disabledAt !== null,
    addedAt: m.createdAt.toISOString(),
  }));
}

/** How many people hold `role` in the workspace: the last admin may not be removed or demoted. */
export async function countWithRole(db: Database, workspaceId: string, role: Role): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), sql`${role} = any(${memberships.roles})`));
  return row?.n ?? 0;
}

/** Links an OIDC identity to an account (first OIDC sign-in of a person an admin added by email). */
export async function linkOidcIdentity(
  db: Database,
  userId: string,
  issuer: string,
  subject: string,
): Promise<void> {
  await db
    .update(users)
    .set({ oidcIssuer: issuer, oidcSubject: subject, updatedAt: new Date() })
    .where(eq(users.id, userId));
}

export async function findUserByOidc(db: Database, issuer: string, subject: string): Promise<UserRow | null> {
  const [row] = await db
    .select()
    .from(users)
    .where(and(eq(users.oidcIssuer, issuer), eq(users.oidcSubject, subject)));
  return row ?? null;
}
