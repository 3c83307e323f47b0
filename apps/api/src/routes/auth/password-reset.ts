/**
 * Password reset by emailed link. Asking always answers 202 at once, whether or not the account exists, and does
 * the lookup and the sending after answering, so neither the answer nor its timing tells accounts apart. The link
 * carries a one-time token in its fragment (never sent to servers or in Referer headers), valid an hour. Setting
 * the new password ends every session of that person. Which channel may carry the link: auth-mailer.ts.
 */
import { Router } from 'express';
import {
  consumePasswordReset,
  createPasswordReset,
  deleteSessionsOfUser,
  findUserByEmail,
  hashPassword,
  membershipsOf,
  passwordProblem,
  setPasswordHash,
  writeAudit,
  type AuthMailer,
} from '@wakeflow/auth';
import { authRoutes as contract } from '@wakeflow/contracts';
import { answer } from '../../http/answer';
import { HttpError, parseInput } from '../../http/errors';
import { signInRateLimits } from '../../http/rate-limits';
import type { AuthRouteDeps } from './context';

export function resetLink(publicUrl: string, token: string): string {
  return new URL(`/reset-password#token=${encodeURIComponent(token)}`, publicUrl).toString();
}

/** Sends a reset link to a person who belongs to a workspace; false when they belong to none. */
async function sendResetLink(
  deps: AuthRouteDeps,
  mailer: AuthMailer,
  user: { id: string; email: string; name: string },
): Promise<boolean> {
  const memberships = await membershipsOf(deps.db, user.id);
  if (memberships.length === 0) return false;
  const { token, expiresAt } = await createPasswordReset(deps.db, user.id);
  await mailer.send({
    kind: 'password_reset',
    // Only a person's sole workspace may carry their reset link (see auth-mailer.ts).
    workspaceId: memberships.length === 1 ? memberships[0]!.workspaceId : null,
    to: user.email,
    name: user.name,
    link: resetLink(deps.auth.publicUrl, token),
    expiresAt,
  });
  return true;
}

export function passwordResetRoutes(deps: AuthRouteDeps): Router {
  const { db, mailer } = deps;
  const router = Router();

  router.post(
    '/auth/password-reset',
    ...signInRateLimits(db, 'password-reset', deps.auth.limits),
    async (req, res) => {
      const { email } = parseInput(contract.passwordReset.body, req.body, 'body');
      answer(res, contract.passwordReset, 202, {
        ok: true,
        message: 'If that account exists, a link to choose a new password is on its way',
      });
      // After answering: a delivery failure or a slow provider must not show in the answer or its timing.
      void (async () => {
        const user = await findUserByEmail(db, email);
        if (user && user.disabledAt === null) await sendResetLink(deps, mailer, user);
      })().catch((error: unknown) =>
        deps.logger.error({ err: error }, 'could not send a password reset link'),
      );
    },
  );

  router.post('/auth/password-reset/confirm', async (req, res) => {
    const body = parseInput(contract.passwordResetConfirm.body, req.body, 'body');
    const problem = passwordProblem(body.password);
    if (problem)
      throw new HttpError(400, 'invalid_request', problem, {
        issues: [{ path: 'body.password', message: problem }],
      });
    const userId = await consumePasswordReset(db, body.token);
    if (!userId)
      throw new HttpError(400, 'invalid_token', 'This link is not valid any more; ask for a new one');
    await setPasswordHash(db, userId, await hashPassword(body.password));
    await deleteSessionsOfUser(db, userId);
    for (const m of await membershipsOf(db, userId)) {
      await writeAudit(db, {
        workspaceId: m.workspaceId,
        actor: `user:${userId}`,
        action: 'user.password_reset',
        entityType: 'user',
        entityId: userId,
      });
    }
    res.locals.audited = true;
    answer(res, contract.passwordResetConfirm, 200, { ok: true });
  });

  return router;
}
