/** The audit log, newest first, filtered by actor, action, entity and time, paged by id. Read only: no route edits it. */
import { Router } from 'express';
import { listAudit } from '@wakeflow/auth';
import { parseInput } from '../../http/errors';
import { workspaceOf } from '../../http/workspace';
import { auditRoutes as contract } from '@wakeflow/contracts';
import { answer } from '../../http/answer';
import type { AuthRouteDeps } from './context';

export function auditRoutes(deps: AuthRouteDeps): Router {
  const router = Router();
  router.get('/audit', async (req, res) => {
    const q = parseInput(contract.list.query, req.query, 'query');
    const entries = await listAudit(deps.db, workspaceOf(res), {
      ...(q.actor ? { actor: q.actor } : {}),
      ...(q.action ? { action: q.action } : {}),
      ...(q.entityType ? { entityType: q.entityType } : {}),
      ...(q.entityId ? { entityId: q.entityId } : {}),
      ...(q.from ? { from: new Date(q.from) } : {}),
      ...(q.to ? { to: new Date(q.to) } : {}),
      ...(q.before !== undefined ? { beforeId: q.before } : {}),
      limit: q.limit,
    });
    answer(res, contract.list, 200, {
      entries,
      nextBefore: entries.length === q.limit ? entries[entries.length - 1]!.id : null,
    });
  });
  return router;
}
