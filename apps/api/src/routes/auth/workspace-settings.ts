/** The workspace and its access settings (whether publishing needs a reviewer's approval). */
import { Router } from 'express';
import { patchAuthSettings, readWorkspace } from '@wakeflow/auth';
import { peopleRoutes as contract } from '@wakeflow/contracts';
import { answer } from '../../http/answer';
import { recordAudit } from '../../http/audit-trail';
import { notFound, parseInput } from '../../http/errors';
import { workspaceOf } from '../../http/workspace';
import type { AuthRouteDeps } from './context';

export function workspaceSettingsRoutes(deps: AuthRouteDeps): Router {
  const { db } = deps;
  const router = Router();

  router.get('/workspace', async (_req, res) => {
    const workspace = await readWorkspace(db, workspaceOf(res));
    if (!workspace) throw notFound('Workspace');
    answer(res, contract.workspace, 200, { workspace });
  });

  router.patch('/workspace', async (req, res) => {
    const patch = parseInput(contract.updateWorkspace.body, req.body, 'body');
    const workspaceId = workspaceOf(res);
    const before = await readWorkspace(db, workspaceId);
    if (!before) throw notFound('Workspace');
    await patchAuthSettings(db, workspaceId, patch);
    const after = (await readWorkspace(db, workspaceId))!;
    await recordAudit(db, res, {
      action: 'workspace.settings_changed',
      entityType: 'workspace',
      entityId: workspaceId,
      before: before.settings,
      after: after.settings,
    });
    answer(res, contract.updateWorkspace, 200, { workspace: after });
  });

  return router;
}
