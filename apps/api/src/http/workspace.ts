/**
 * The one place a request's workspace is decided. Routes read it with `workspaceOf(res)` and every query they run
 * filters by it; a row of another workspace is indistinguishable from a missing one (404).
 */
import type { RequestHandler, Response } from 'express';
import { eq } from 'drizzle-orm';
import { workspaces, type Database } from '@wakeflow/db';
import { HttpError } from './errors';

export function resolveWorkspace(db: Database, defaultWorkspaceId: string): RequestHandler {
  const known = new Set<string>();
  return async (req, res, next) => {
    const requested = req.header('x-wakeflow-workspace') ?? defaultWorkspaceId;
    if (!known.has(requested)) {
      const [row] = await db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.id, requested));
      if (!row) return next(new HttpError(404, 'workspace_not_found', `Workspace ${requested} not found`));
      known.add(requested);
    }
    res.locals.workspaceId = requested;
    next();
  };
}

export function workspaceOf(res: Response): string {
  const id: unknown = res.locals.workspaceId;
  if (typeof id !== 'string') throw new Error('workspace middleware did not run');
  return id;
}
