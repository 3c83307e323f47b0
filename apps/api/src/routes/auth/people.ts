/**
 * People and roles of the workspace: list, invite, change roles, remove. Adding a person is always an invitation
 * the invitee accepts (invitations.ts): an admin never chooses a password for someone, and the answer is the same
 * whether or not an account with that email exists elsewhere, so nothing about other workspaces' people leaks.
 * The last admin cannot be removed or demoted, so a workspace never locks itself out.
 */
import { Router } from 'express';
import { eq } from 'drizzle-orm';
import { workspaces } from '@wakeflow/db';
import {
  actorOf,
  apiKeyScopes,
  countWithRole,
  createInvitation,
  listPeople,
  listPendingInvitations,
  membershipOf,
  normaliseEmail,
  permissions,
  removeMembership,
  revokeInvitation,
  roleNames,
  roles,
  setMembership,
  type Role,
} from '@wakeflow/auth';
import { invitationParams, personParams, peopleRoutes as contract } from '@wakeflow/contracts';
import { answer } from '../../http/answer';
import { recordAudit } from '../../http/audit-trail';
import { HttpError, notFound, parseInput } from '../../http/errors';
import { principalOf, workspaceOf } from '../../http/workspace';
import type { AuthRouteDeps } from './context';

export function invitationLink(publicUrl: string, token: string): string {
  return new URL(`/accept-invitation#token=${encodeURIComponent(token)}`, publicUrl).toString();
}

export function peopleRoutes(deps: AuthRouteDeps): Router {
  const { db, mailer } = deps;
  const router = Router();

  async function refuseLosingLastAdmin(workspaceId: string, userId: string, nextRoles: readonly Role[]) {
    const current = await membershipOf(db, workspaceId, userId);
    if (
      current?.roles.includes('admin') &&
      !nextRoles.includes('admin') &&
      (await countWithRole(db, workspaceId, 'admin')) <= 1
    ) {
      throw new HttpError(
        409,
        'last_admin',
        'This is the last admin of the workspace; make someone else admin first',
      );
    }
    return current;
  }

  router.get('/roles', (_req, res) => {
    answer(res, contract.roles, 200, {
      roles: roleNames.map((id) => ({
        id,
        label: roles[id].label,
        description: roles[id].description,
        permissions: roles[id].permissions,
      })),
      permissions,
      apiKeyScopes,
    });
  });

  router.get('/people', async (_req, res) => {
    const workspaceId = workspaceOf(res);
    answer(res, contract.list, 200, {
      people: await listPeople(db, workspaceId),
      invitations: await listPendingInvitations(db, workspaceId),
    });
  });

  router.post('/people', async (req, res) => {
    const body = parseInput(contract.invite.body, req.body, 'body');
    const workspaceId = workspaceOf(res);
    const email = normaliseEmail(body.email);
    const members = await listPeople(db, workspaceId);
    if (members.some((p) => p.email === email))
      throw new HttpError(409, 'already_member', `${email} is already in this workspace`);
    const { invitation, token } = await createInvitation(db, {
      workspaceId,
      email,
      name: body.name,
      roles: body.roles,
      invitedBy: actorOf(principalOf(res)),
    });
    await recordAudit(db, res, {
      action: 'person.invited',
      entityType: 'invitation',
      entityId: invitation.id,
      after: { email, roles: invitation.roles },
    });
    const [workspace] = await db
      .select({ name: workspaces.name })
      .from(workspaces)
      .where(eq(workspaces.id, workspaceId));
    const delivery = await mailer
      .send({
        kind: 'invitation',
        workspaceId,
        workspaceName: workspace?.name ?? workspaceId,
        to: email,
        name: body.name,
        link: invitationLink(deps.auth.publicUrl, token),
        expiresAt: new Date(invitation.expiresAt),
      })
      .then((d) => d ?? 'delivered')
      .catch((error: unknown) => {
        deps.logger.error({ err: error }, 'could not send an invitation');
        return 'failed' as const;
      });
    answer(res, contract.invite, 201, { invitation, delivery });
  });

  router.delete('/invitations/:id', async (req, res) => {
    const { id } = parseInput(invitationParams, req.params, 'params');
    const revoked = await revokeInvitation(db, workspaceOf(res), id);
    if (!revoked) throw notFound('Invitation');
    await recordAudit(db, res, {
      action: 'invitation.revoked',
      entityType: 'invitation',
      entityId: id,
      before: { email: revoked.email, roles: revoked.roles },
    });
    res.status(204).end();
  });

  router.patch('/people/:userId', async (req, res) => {
    const { userId } = parseInput(personParams, req.params, 'params');
    const body = parseInput(contract.changeRoles.body, req.body, 'body');
    const workspaceId = workspaceOf(res);
    const before = await refuseLosingLastAdmin(workspaceId, userId, body.roles);
    if (!before) throw notFound('Person');
    await setMembership(db, workspaceId, userId, body.roles);
    await recordAudit(db, res, {
      action: 'person.roles_changed',
      entityType: 'person',
      entityId: userId,
      before: { roles: before.roles },
      after: { roles: [...body.roles].sort() },
    });
    const person = (await listPeople(db, workspaceId)).find((p) => p.userId === userId);
    if (!person) throw notFound('Person');
    answer(res, contract.changeRoles, 200, { person });
  });

  router.delete('/people/:userId', async (req, res) => {
    const { userId } = parseInput(personParams, req.params, 'params');
    const workspaceId = workspaceOf(res);
    const before = await refuseLosingLastAdmin(workspaceId, userId, []);
    if (!before || !(await removeMembership(db, workspaceId, userId))) throw notFound('Person');
    await recordAudit(db, res, {
      action: 'person.removed',
      entityType: 'person',
      entityId: userId,
      before: { roles: before.roles },
    });
    res.status(204).end();
  });

  return router;
}
