/**
 * The first admin of a fresh install: WAKEFLOW_ADMIN_EMAIL (default admin@localhost) with WAKEFLOW_ADMIN_PASSWORD,
 * holding every role in the default workspace so one person can run the demo end to end. The password is only set
 * when the account is created; change it afterwards through the API (or the reset link), not the environment.
 */
import {
  ensureUser,
  hashPassword,
  membershipOf,
  passwordProblem,
  roleNames,
  setMembership,
} from '@wakeflow/auth';
import type { Database } from '@wakeflow/db';

export async function ensureAdminAccount(
  db: Database,
  workspaceId: string,
  admin: { email: string; password: string } | null,
): Promise<void> {
  if (!admin) return;
  const problem = passwordProblem(admin.password);
  if (problem) throw new Error(`WAKEFLOW_ADMIN_PASSWORD: ${problem}`);
  const { user } = await ensureUser(db, {
    email: admin.email,
    name: 'Admin',
    passwordHash: await hashPassword(admin.password),
  });
  if (!(await membershipOf(db, workspaceId, user.id)))
    await setMembership(db, workspaceId, user.id, roleNames);
}
