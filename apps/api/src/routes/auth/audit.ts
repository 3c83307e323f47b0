/** The audit log, newest first, filtered by actor, action, entity and time, paged by id. Read only: no route edits it. */
import { Router } from 'express';
import { z } from 'zod';
import { listAudit } from '@wakeflow/auth';
import { parseInput } from '../../http/errors';
import { workspaceOf } from '../../http/workspace';
import type { AuthRouteDeps } from './context';

const auditQuery = z.object({
  actor: z.string().min(1).max(200).optional(),
  action: z.string().min(1).max(200).optional(),
  entityType: z.string().min(1).max(100).optional(),
  entityId: z.string().min(1).max(300).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export function auditRoutes(deps: AuthRouteDeps): Router {
  const router = Router();
  router.get('/audit', async (req, res) => {
    const q = parseInput(auditQuery, req.query, 'query');
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
    res.json({ entries, nextBefore: entries.length === q.limit ? entries[entries.length - 1]!.id : null });
  });
  return router;
}
