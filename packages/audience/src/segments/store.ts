/**
 * Saved segments: named condition trees per workspace. A definition is checked on every write (including that it
 * does not reach itself through other segments), and a segment other segments use cannot be deleted.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { z } from 'zod';
import { segmentCreateSchema, segmentIdSchema, segmentUpdateSchema } from '@wakeflow/contracts';
import { conditionSchema, type Condition } from '@wakeflow/journey';
import { segments, type Database } from '@wakeflow/db';
import { prepareCondition } from './query';

// Ids and the create/update bodies are the HTTP contract's (`/api/segments`).
export { segmentCreateSchema, segmentIdSchema, segmentUpdateSchema };

export interface Segment {
  id: string;
  name: string;
  definition: Condition;
  createdAt: string;
  updatedAt: string;
}

export class SegmentNotFoundError extends Error {
  constructor(readonly segmentId: string) {
    super(`Segment ${segmentId} not found`);
    this.name = 'SegmentNotFoundError';
  }
}

export class SegmentConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SegmentConflictError';
  }
}

type Row = typeof segments.$inferSelect;

function toSegment(row: Row): Segment {
  return {
    id: row.id,
    name: row.name,
    // Stored definitions were checked on write; an unparseable one is shown as it is rather than hidden.
    definition: row.definition as unknown as Condition,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function slug(name: string): string {
  const s = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  return s || 'segment';
}

export async function listSegments(db: Database, workspaceId: string): Promise<Segment[]> {
  const rows = await db
    .select()
    .from(segments)
    .where(eq(segments.workspaceId, workspaceId))
    .orderBy(asc(segments.name));
  return rows.map(toSegment);
}

export async function getSegment(db: Database, workspaceId: string, id: string): Promise<Segment> {
  const rows = await db
    .select()
    .from(segments)
    .where(and(eq(segments.workspaceId, workspaceId), eq(segments.id, id)));
  if (!rows[0]) throw new SegmentNotFoundError(id);
  return toSegment(rows[0]);
}

export async function createSegment(
  db: Database,
  workspaceId: string,
  input: z.input<typeof segmentCreateSchema>,
): Promise<Segment> {
  const data = segmentCreateSchema.parse(input);
  const id = data.id ?? `${slug(data.name)}-${Date.now().toString(36)}`;
  const { condition } = await prepareCondition(db, workspaceId, data.definition, { selfId: id });
  const rows = await db
    .insert(segments)
    .values({ id, workspaceId, name: data.name, definition: condition })
    .onConflictDoNothing()
    .returning();
  if (!rows[0]) throw new SegmentConflictError(`A segment with id “${id}” already exists`);
  return toSegment(rows[0]);
}

export async function updateSegment(
  db: Database,
  workspaceId: string,
  id: string,
  input: z.input<typeof segmentUpdateSchema>,
): Promise<Segment> {
  const data = segmentUpdateSchema.parse(input);
  const set: Partial<typeof segments.$inferInsert> = { updatedAt: new Date() };
  if (data.name !== undefined) set.name = data.name;
  if (data.definition !== undefined) {
    const { condition } = await prepareCondition(db, workspaceId, data.definition, { selfId: id });
    set.definition = condition;
  }
  const rows = await db
    .update(segments)
    .set(set)
    .where(and(eq(segments.workspaceId, workspaceId), eq(segments.id, id)))
    .returning();
  if (!rows[0]) throw new SegmentNotFoundError(id);
  return toSegment(rows[0]);
}

function refersTo(node: Condition, id: string): boolean {
  if (node.kind === 'and' || node.kind === 'or') return node.conditions.some((child) => refersTo(child, id));
  if (node.kind === 'not') return refersTo(node.condition, id);
  return node.kind === 'segment' && node.segmentId === id;
}

export async function deleteSegment(db: Database, workspaceId: string, id: string): Promise<void> {
  const all = await db.select().from(segments).where(eq(segments.workspaceId, workspaceId));
  const users = all.filter((row) => {
    const def = conditionSchema.safeParse(row.definition);
    return row.id !== id && def.success && refersTo(def.data, id);
  });
  if (users.length > 0) {
    throw new SegmentConflictError(
      `Segment “${id}” is used by ${users.map((u) => `“${u.name}”`).join(', ')}; change those first`,
    );
  }
  const deleted = await db
    .delete(segments)
    .where(and(eq(segments.workspaceId, workspaceId), eq(segments.id, id)))
    .returning({ id: segments.id });
  if (!deleted[0]) throw new SegmentNotFoundError(id);
}
