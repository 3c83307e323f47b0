/**
 * Publish requests: in a workspace that requires approval, publishing snapshots the draft into a request; a
 * reviewer approves (the snapshot is published, the version number is kept on the request) or rejects it with a
 * comment. A newer request for the same journey supersedes older pending ones. Decisions are conditional updates
 * on `status = 'pending'`, so two reviewers deciding at once cannot both win.
 */
import { and, desc, eq, type SQL } from 'drizzle-orm';
import { journeys, publishRequests, type Database } from '@wakeflow/db';

export type PublishRequestRow = typeof publishRequests.$inferSelect;
export type PublishRequestStatus = PublishRequestRow['status'];

export interface PublicPublishRequest {
  id: string;
  journeyId: string;
  journeyName: string;
  draftRevision: number;
  baseVersion: number | null;
  status: PublishRequestStatus;
  requestedBy: string;
  requestComment: string;
  requestedAt: string;
  decidedBy: string | null;
  decisionComment: string | null;
  decidedAt: string | null;
  version: number | null;
}

export function toPublicRequest(row: PublishRequestRow, journeyName: string): PublicPublishRequest {
  return {
    id: row.id,
    journeyId: row.journeyId,
    journeyName,
    draftRevision: row.draftRevision,
    baseVersion: row.baseVersion,
    status: row.status,
    requestedBy: row.requestedBy,
    requestComment: row.requestComment,
    requestedAt: row.requestedAt.toISOString(),
    decidedBy: row.decidedBy,
    decisionComment: row.decisionComment,
    decidedAt: row.decidedAt?.toISOString() ?? null,
    version: row.version,
  };
}

export async function createPublishRequest(
  db: Database,
  input: {
    workspaceId: string;
    journeyId: string;
    draftRevision: number;
    graph: Record<string, unknown>;
    settings: Record<string, unknown>;
    baseVersion: number | null;
    requestedBy: string;
    comment: string;
  },
): Promise<{ request: PublishRequestRow; superseded: string[] }> {
  return db.transaction(async (tx) => {
    const superseded = await tx
      .update(publishRequests)
      .set({ status: 'superseded', decidedAt: new Date() })
      .where(
        and(
          eq(publishRequests.workspaceId, input.workspaceId),
          eq(publishRequests.journeyId, input.journeyId),
          eq(publishRequests.status, 'pending'),
        ),
      )
      .returning({ id: publishRequests.id });
    const [row] = await tx
      .insert(publishRequests)
      .values({
        workspaceId: input.workspaceId,
        journeyId: input.journeyId,
        draftRevision: input.draftRevision,
        graph: input.graph,
        settings: input.settings,
        baseVersion: input.baseVersion,
        requestedBy: input.requestedBy,
        requestComment: input.comment,
      })
      .returning();
    return { request: row!, superseded: superseded.map((s) => s.id) };
  });
}

export async function getPublishRequest(
  db: Database,
  workspaceId: string,
  id: string,
): Promise<{ row: PublishRequestRow; journeyName: string } | null> {
  const [hit] = await db
    .select({ row: publishRequests, journeyName: journeys.name })
    .from(publishRequests)
    .innerJoin(journeys, eq(journeys.id, publishRequests.journeyId))
    .where(and(eq(publishRequests.id, id), eq(publishRequests.workspaceId, workspaceId)));
  return hit ?? null;
}

export async function listPublishRequests(
  db: Database,
  workspaceId: string,
  filter: { status?: PublishRequestStatus; journeyId?: string; limit: number },
): Promise<PublicPublishRequest[]> {
  const where: SQL[] = [eq(publishRequests.workspaceId, workspaceId)];
  if (filter.status) where.push(eq(publishRequests.status, filter.status));
  if (filter.journeyId) where.push(eq(publishRequests.journeyId, filter.journeyId));
  const rows = await db
    .select({ row: publishRequests, journeyName: journeys.name })
    .from(publishRequests)
    .innerJoin(journeys, eq(journeys.id, publishRequests.journeyId))
    .where(and(...where))
    .orderBy(desc(publishRequests.requestedAt))
    .limit(filter.limit);
  return rows.map((r) => toPublicRequest(r.row, r.journeyName));
}

/** Records a decision on a pending request; false when it was no longer pending. */
export async function decidePublishRequest(
  db: Pick<Database, 'update'>,
  input: {
    workspaceId: string;
    id: string;
    status: 'approved' | 'rejected';
    decidedBy: string;
    comment: string;
    version?: number;
  },
): Promise<boolean> {
  const updated = await db
    .update(publishRequests)
    .set({
      status: input.status,
      decidedBy: input.decidedBy,
      decisionComment: input.comment,
      decidedAt: new Date(),
      version: input.version ?? null,
    })
    .where(
      and(
        eq(publishRequests.id, input.id),
        eq(publishRequests.workspaceId, input.workspaceId),
        eq(publishRequests.status, 'pending'),
      ),
    )
    .returning({ id: publishRequests.id });
  return updated.length > 0;
}
