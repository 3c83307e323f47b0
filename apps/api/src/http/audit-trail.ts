/**
 * Every change made through the API leaves an audit entry. Routes that know what they changed write a precise
 * entry (with before and after) through `recordAudit`; for any other successful unsafe request — routes of other
 * areas that have not added their own yet — this middleware writes a generic one naming the route, its ids and the
 * principal, after the response is sent; read-only POSTs (those the route table lets every reader make) leave
 * none. Failures to write are logged, never shown to the client.
 */
import type { RequestHandler, Response } from 'express';
import { actorOf, writeAudit, type AuditEntry, type Principal } from '@wakeflow/auth';
import type { Database } from '@wakeflow/db';
import type { ApiLogger } from '../deps';
import { isUnsafe } from './csrf';
import type { MatchedRoute } from './access';

/** Writes an entry for this request's principal and marks the request as audited. */
export async function recordAudit(
  db: Pick<Database, 'insert'>,
  res: Response,
  entry: Omit<AuditEntry, 'workspaceId' | 'actor'> & { workspaceId?: string },
): Promise<void> {
  const principal = res.locals.principal as Principal | undefined;
  const workspaceId = entry.workspaceId ?? principal?.workspaceId;
  if (!workspaceId) return;
  await writeAudit(db, { ...entry, workspaceId, actor: principal ? actorOf(principal) : 'anonymous' });
  res.locals.audited = true;
}

function idsOf(routeKey: string, path: string): string {
  const pattern = routeKey.slice(routeKey.indexOf(' ') + 1).split('/');
  const actual = path.split('/');
  const ids = pattern
    .map((seg, i) => (seg.startsWith(':') ? actual[i] : undefined))
    .filter((v): v is string => v !== undefined);
  return ids.length ? ids.map((v) => decodeURIComponent(v)).join('/') : '-';
}

export function auditTrail(db: Database, logger: ApiLogger): RequestHandler {
  return (req, res, next) => {
    if (!isUnsafe(req.method)) return next();
    const path = req.path;
    res.on('finish', () => {
      const route = res.locals.route as MatchedRoute | undefined;
      const principal = res.locals.principal as Principal | undefined;
      if (res.locals.audited || !route || !principal || route.rule === 'public' || res.statusCode >= 400)
        return;
      // Ingest is data, not configuration: millions of events would drown the log. A POST that only needs read
      // access (preview, validate, a segment count) changes nothing, so it is no event worth recording either.
      if (route.rule === 'ingest' || route.rule === 'workspace.read') return;
      const entityType = route.key.split(' ')[1]!.split('/')[1] ?? 'api';
      writeAudit(db, {
        workspaceId: principal.workspaceId,
        actor: actorOf(principal),
        action: `request ${route.key}`,
        entityType,
        entityId: idsOf(route.key, path),
        after: { status: res.statusCode },
      }).catch((error: unknown) => logger.error({ err: error }, 'could not write an audit entry'));
    });
    next();
  };
}
