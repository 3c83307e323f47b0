/**
 * People and roles of the workspace: list, add (optionally emailing a link to choose a password), change roles,
 * remove. The last admin cannot be removed or demoted, so a workspace never locks itself out.
 */
import { Router } from 'express';
import { z } from 'zod';
import {
  apiKeyScopes,
  countWithRole,
  ensureUser,
  hashPassword,
  listPeople,
  MAX_PASSWORD_LENGTH,
  membershipOf,
  passwordProblem,
  permissions,
  removeMembership,
  roleNames,
  roles,
  setMembership,
  type Role,
} from '@wakeflow/auth';
import { recordAudit } from '../../http/audit-trail';
import { HttpError, notFound, parseInput } from '../../http/errors';
import { workspaceOf } from '../../http/workspace';
import type { AuthRouteDeps } from './context';
import { sendResetLink } from './password-reset';
import { channelResetMailer } from './reset-mailer';

const roleSchema = z.enum(roleNames as [Role, ...Role[]]);
const addBody = z.object({
  email: z.email('Not an email address').max(320),
  name: z.string().trim().max(200).default(''),
  roles: z.array(roleSchema).min(1, 'Give the person at least one role'),
  /** An initial password; without one, `invite` emails a link to choose it. */
  password: z.string().max(MAX_PASSWORD_LENGTH).optional(),
  invite: z.boolean().default(false),
});
const userParams = z.object({ userId: z.uuid('Not a person id') });

export function peopleRoutes(deps: AuthRouteDeps): Router {
  const { db } = deps;
  const router = Router();
  const mailer = () => deps.auth.mailer ?? channelResetMailer(db);

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
    res.json({
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
    res.json({ people: await listPeople(db, workspaceOf(res)) });
  });

  router.post('/people', async (req, res) => {
    const body = parseInput(addBody, req.body, 'body');
    const workspaceId = workspaceOf(res);
    if (body.password !== undefined) {
      const problem = passwordProblem(body.password);
      if (problem)
        throw new HttpError(400, 'invalid_request', problem, {
          issues: [{ path: 'body.password', message: problem }],
        });
    }
    const { user, created } = await ensureUser(db, {
      email: body.email,
      name: body.name,
      passwordHash: body.password !== undefined ? await hashPassword(body.password) : null,
    });
    if (!created && (await membershipOf(db, workspaceId, user.id)))
      throw new HttpError(409, 'already_member', `${user.email} is already in this workspace`);
    await setMembership(db, workspaceId, user.id, body.roles);
    await recordAudit(db, res, {
      action: 'person.added',
      entityType: 'person',
      entityId: user.id,
      after: { email: user.email, roles: body.roles },
    });
    let invited = false;
    if (body.invite) invited = await sendResetLink(deps, mailer(), user).catch(() => false);
    const person = (await listPeople(db, workspaceId)).find((p) => p.userId === user.id);
    res.status(201).json({ person, invited });
  });

  router.patch('/people/:userId', async (req, res) => {
    const { userId } = parseInput(userParams, req.params, 'params');
    const body = parseInput(
      z.object({ roles: z.array(roleSchema).min(1, 'Give the person at least one role') }),
      req.body,
      'body',
    );
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
    res.json({ person: (await listPeople(db, workspaceId)).find((p) => p.userId === userId) });
  });

  router.delete('/people/:userId', async (req, res) => {
    const { userId } = parseInput(userParams, req.params, 'params');
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
