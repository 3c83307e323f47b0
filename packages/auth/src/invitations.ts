/**
 * Invitations: the only way a person joins a workspace. An admin names an email and roles; the invitee joins
 * through a one-time link. A new account chooses its own password there; an existing account must also prove it is
 * that person (its current password, a session of that account, or a verified OIDC email). So no admin ever chooses
 * another person's password, and adding an email never attaches an account that somebody else may control.
 */
import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import { invitations, memberships, users, type Database } from '@wakeflow/db';
import type { Role } from './roles';
import { hashToken, randomToken } from './tokens';
import { cleanRoles, normaliseEmail } from './users';

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60_000;

export type InvitationRow = typeof invitations.$inferSelect;

export interface PendingInvitation {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  invitedBy: string;
  createdAt: string;
  expiresAt: string;
}

function toPending(row: InvitationRow): PendingInvitation {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    roles: cleanRoles(row.roles),
    invitedBy: row.invitedBy,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
  };
}

const open = (now: Date) =>
  and(isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now));

/**
 * Creates an invitation and answers its one-time token. A newer invitation for the same email in the same
 * workspace replaces older open ones, so only the latest link works.
 */
export async function createInvitation(
  db: Database,
  input: { workspaceId: string; email: string; name: string; roles: readonly Role[]; invitedBy: string },
  now = new Date(),
): Promise<{ invitation: PendingInvitation; token: string }> {
  const email = normaliseEmail(input.email);
  const token = randomToken();
  const row = await db.transaction(async (tx) => {
    await tx
      .update(invitations)
      .set({ revokedAt: now })
      .where(and(eq(invitations.workspaceId, input.workspaceId), eq(invitations.email, email), open(now)));
    const [inserted] = await tx
      .insert(invitations)
      .values({
        workspaceId: input.workspaceId,
        email,
        name: input.name,
        roles: cleanRoles(input.roles),
        tokenHash: hashToken(token),
        invitedBy: input.invitedBy,
        createdAt: now,
        expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
      })
      .returning();
    return inserted!;
  });
  return { invitation: toPending(row), token };
}

export async function listPendingInvitations(
  db: Database,
  workspaceId: string,
  now = new Date(),
): Promise<PendingInvitation[]> {
  const rows = await db
    .select()
    .from(invitations)
    .where(and(eq(invitations.workspaceId, workspaceId), open(now)))
    .orderBy(asc(invitations.email));
  return rows.map(toPending);
}

export async function revokeInvitation(
  db: Database,
  workspaceId: string,
  id: string,
  now = new Date(),
): Promise<PendingInvitation | null> {
  const [row] = await db
    .update(invitations)
    .set({ revokedAt: now })
    .where(and(eq(invitations.workspaceId, workspaceId), eq(invitations.id, id), open(now)))
    .returning();
  return row ? toPending(row) : null;
}

/** The open invitation a link carries, with whether an account with its email exists; null when not usable. */
export async function findOpenInvitation(
  db: Database,
  token: string,
  now = new Date(),
): Promise<{ invitation: InvitationRow; accountExists: boolean } | null> {
  const [row] = await db
    .select()
    .from(invitations)
    .where(and(eq(invitations.tokenHash, hashToken(token)), open(now)));
  if (!row) return null;
  const [account] = await db.select({ id: users.id }).from(users).where(eq(users.email, row.email));
  return { invitation: row, accountExists: account !== undefined };
}

export type AcceptOutcome =
  | { ok: true; userId: string; workspaceId: string; roles: Role[]; created: boolean }
  | { ok: false; reason: 'invalid' | 'proof_required' | 'wrong_account' };

/**
 * Accepts an invitation, atomically and once. `proof` says who the caller showed themselves to be:
 * - `{ kind: 'new_account', passwordHash }`: only valid when no account has the invitation's email yet; creates it;
 * - `{ kind: 'account', userId }`: the caller proved to be this existing account (password checked, session or
 *   verified OIDC email); it must be the account with the invitation's email.
 * Existing roles in the workspace are kept and the invitation's added.
 */
export async function acceptInvitation(
  db: Database,
  /** The link's token, or (for a verified OIDC email, which proves the address as well) the invitation id. */
  which: { token: string } | { id: string },
  proof:
    { kind: 'new_account'; name: string; passwordHash: string | null } | { kind: 'account'; userId: string },
  now = new Date(),
): Promise<AcceptOutcome> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(invitations)
      .where(
        and(
          'token' in which ? eq(invitations.tokenHash, hashToken(which.token)) : eq(invitations.id, which.id),
          open(now),
        ),
      )
      .for('update');
    if (!row) return { ok: false, reason: 'invalid' };
    const [existing] = await tx.select().from(users).where(eq(users.email, row.email));
    let userId: string;
    let created = false;
    if (proof.kind === 'new_account') {
      if (existing) return { ok: false, reason: 'proof_required' };
      const [inserted] = await tx
        .insert(users)
        .values({ email: row.email, name: proof.name || row.name, passwordHash: proof.passwordHash })
        .returning({ id: users.id });
      userId = inserted!.id;
      created = true;
    } else {
      if (!existing || existing.id !== proof.userId) return { ok: false, reason: 'wrong_account' };
      userId = existing.id;
    }
    const [current] = await tx
      .select({ roles: memberships.roles })
      .from(memberships)
      .where(and(eq(memberships.workspaceId, row.workspaceId), eq(memberships.userId, userId)));
    const roles = cleanRoles([...(current?.roles ?? []), ...row.roles]);
    await tx
      .insert(memberships)
      .values({ workspaceId: row.workspaceId, userId, roles })
      .onConflictDoUpdate({
        target: [memberships.workspaceId, memberships.userId],
        set: { roles, updatedAt: now },
      });
    await tx
      .update(invitations)
      .set({ acceptedAt: now, acceptedBy: userId })
      .where(eq(invitations.id, row.id));
    return { ok: true, userId, workspaceId: row.workspaceId, roles, created };
  });
}

/** Open invitations for an email across workspaces (an OIDC sign-in with that verified email accepts them). */
export async function openInvitationsFor(
  db: Database,
  email: string,
  now = new Date(),
): Promise<InvitationRow[]> {
  return db
    .select()
    .from(invitations)
    .where(and(eq(invitations.email, normaliseEmail(email)), open(now)));
}
