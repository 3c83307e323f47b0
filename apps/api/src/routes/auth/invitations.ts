/**
 * Accepting an invitation (the link in the invitation mail). The token proves the invitee can read mail at that
 * address; it is not enough to act as an account that already exists, whose owner may have nothing to do with the
 * inviting workspace. So an existing account also proves itself: by being signed in as that account, or with its
 * password. A new account is created here with the password its owner chooses, never one an admin chose.
 */
import { Router } from 'express';
import { eq } from 'drizzle-orm';
import { workspaces } from '@wakeflow/db';
import {
  acceptInvitation,
  findOpenInvitation,
  findUserByEmail,
  hashPassword,
  passwordProblem,
  verifyPassword,
  writeAudit,
  type AcceptOutcome,
} from '@wakeflow/auth';
import { authRoutes as contract } from '@wakeflow/contracts';
import { answer } from '../../http/answer';
import { HttpError, parseInput } from '../../http/errors';
import { signInRateLimits } from '../../http/rate-limits';
import { maybePrincipalOf } from '../../http/workspace';
import type { AuthRouteDeps } from './context';
import { describePrincipal } from './describe-principal';
import { startSession } from './sign-in';

function invalidLink(): HttpError {
  return new HttpError(
    400,
    'invalid_token',
    'This invitation is not valid any more (used, withdrawn or expired); ask for a new one',
  );
}

export function invitationRoutes(deps: AuthRouteDeps): Router {
  const { db, auth } = deps;
  const router = Router();

  // What the accept page shows: which workspace, which roles, and whether to ask for a new or an existing password.
  router.post(
    '/auth/invitations/lookup',
    ...signInRateLimits(db, 'invitation-lookup', auth.limits),
    async (req, res) => {
      const { token } = parseInput(contract.invitationLookup.body, req.body, 'body');
      const found = await findOpenInvitation(db, token);
      if (!found) throw invalidLink();
      const [workspace] = await db
        .select({ name: workspaces.name })
        .from(workspaces)
        .where(eq(workspaces.id, found.invitation.workspaceId));
      res.set('Cache-Control', 'no-store');
      answer(res, contract.invitationLookup, 200, {
        email: found.invitation.email,
        name: found.invitation.name,
        workspace: {
          id: found.invitation.workspaceId,
          name: workspace?.name ?? found.invitation.workspaceId,
        },
        roles: found.invitation.roles,
        expiresAt: found.invitation.expiresAt.toISOString(),
        accountExists: found.accountExists,
      });
    },
  );

  router.post(
    '/auth/invitations/accept',
    ...signInRateLimits(db, 'invitation-accept', auth.limits),
    async (req, res) => {
      const body = parseInput(contract.invitationAccept.body, req.body, 'body');
      const found = await findOpenInvitation(db, body.token);
      if (!found) throw invalidLink();
      const principal = maybePrincipalOf(res);
      let outcome: AcceptOutcome;
      if (principal?.kind === 'user' && principal.email === found.invitation.email) {
        outcome = await acceptInvitation(
          db,
          { token: body.token },
          { kind: 'account', userId: principal.userId },
        );
      } else if (found.accountExists) {
        const account = await findUserByEmail(db, found.invitation.email);
        const ok =
          body.password !== undefined &&
          account !== null &&
          account.disabledAt === null &&
          (await verifyPassword(account.passwordHash, body.password));
        if (!ok || !account)
          throw new HttpError(
            401,
            'invalid_credentials',
            `An account with ${found.invitation.email} exists: sign in as it, or enter its password, to accept`,
            { issues: [{ path: 'body.password', message: 'Not the password of this account' }] },
          );
        outcome = await acceptInvitation(db, { token: body.token }, { kind: 'account', userId: account.id });
      } else {
        const problem = passwordProblem(body.password ?? '');
        if (problem)
          throw new HttpError(400, 'invalid_request', problem, {
            issues: [{ path: 'body.password', message: problem }],
          });
        outcome = await acceptInvitation(
          db,
          { token: body.token },
          { kind: 'new_account', name: body.name, passwordHash: await hashPassword(body.password!) },
        );
      }
      if (!outcome.ok) throw invalidLink();
      await writeAudit(db, {
        workspaceId: outcome.workspaceId,
        actor: `user:${outcome.userId}`,
        action: 'invitation.accepted',
        entityType: 'invitation',
        entityId: found.invitation.id,
        after: { roles: outcome.roles, accountCreated: outcome.created },
      });
      const session = await startSession(deps, req, res, outcome.userId, outcome.workspaceId);
      res.set('Cache-Control', 'no-store');
      answer(res, contract.invitationAccept, 200, await describePrincipal(db, session));
    },
  );

  return router;
}
