/**
 * The audit log writer and reader. Entries are only ever inserted: there is no update or delete here, no API route
 * changes them, and the database refuses UPDATE and DELETE on `audit_log` (migration trigger). Config changes carry
 * the state before and after.
 */
import { and, desc, eq, gte, lt, lte, type SQL } from 'drizzle-orm';
import { auditLog, type Database } from '@wakeflow/db';

export interface AuditEntry {
  workspaceId: string;
  /** `user:<id>`, `api_key:<id>` or `local` (see actorOf). */
  actor: string;
  /** What happened, `<entity>.<verb>`: `journey.created`, `journey.published`, `publish.approved`, `api_key.revoked`… */
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

export async function writeAudit(db: Pick<Database, 'insert'>, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    workspaceId: entry.workspaceId,
    actor: entry.actor,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    before: entry.before ?? null,
    after: entry.after ?? null,
  });
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  from?: Date;
  to?: Date;
  /** Entries older than this id (the previous page's last id). */
  beforeId?: number;
  limit: number;
}

export interface AuditRecord {
  id: number;
  at: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
}

export async function listAudit(
  db: Database,
  workspaceId: string,
  filter: AuditFilter,
): Promise<AuditRecord[]> {
  const where: SQL[] = [eq(auditLog.workspaceId, workspaceId)];
  if (filter.actor) where.push(eq(auditLog.actor, filter.actor));
  if (filter.action) where.push(eq(auditLog.action, filter.action));
  if (filter.entityType) where.push(eq(auditLog.entityType, filter.entityType));
  if (filter.entityId) where.push(eq(auditLog.entityId, filter.entityId));
  if (filter.from) where.push(gte(auditLog.at, filter.from));
  if (filter.to) where.push(lte(auditLog.at, filter.to));
  if (filter.beforeId !== undefined) where.push(lt(auditLog.id, filter.beforeId));
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.id))
    .limit(filter.limit);
  return rows.map((r) => ({
    id: r.id,
    at: r.at.toISOString(),
    actor: r.actor,
    action: r.action,
    entityType: r.entityType,
    entityId: r.entityId,
    before: r.before,
    after: r.after,
  }));
}
