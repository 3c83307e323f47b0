/**
 * Checks a condition tree before it is compiled or saved: shape (zod), fields, operators and values, referenced
 * segments that exist, and no segment that refers back to itself. Each problem names the node by its path in the
 * tree (`conditions.1.condition.value`), so the builder can mark the node.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { conditionSchema, pathToString, type Condition, type TraitCondition } from '@wakeflow/journey';
import { segments, type Database } from '@wakeflow/db';
import { resolveField } from './fields';

export interface ConditionProblem {
  /** Dot path of the node or field in the tree; empty for the root. */
  path: string;
  message: string;
}

export class ConditionInvalidError extends Error {
  constructor(readonly problems: ConditionProblem[]) {
    super(
      `The condition has ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems[0]?.path ? `${problems[0].path}: ` : ''}${problems[0]?.message ?? ''}`,
    );
    this.name = 'ConditionInvalidError';
  }
}

export interface CheckOptions {
  /** Stored segments the tree may refer to (load with `loadReferencedSegments`). */
  segments: ReadonlyMap<string, Condition>;
  /** `since_entry` windows only mean something inside a journey. */
  allowSinceEntry: boolean;
  /** When checking a segment's own new definition: references back to it are cycles. */
  selfId?: string;
}

const join = (path: readonly (string | number)[], ...more: (string | number)[]) =>
  pathToString([...path, ...more]);

function checkTrait(node: TraitCondition, path: (string | number)[], problems: ConditionProblem[]): void {
  const at = (field: string, message: string): void => {
    problems.push({ path: join(path, field), message });
  };
  const field = resolveField(node.field);
  if (typeof field === 'string') return at('field', field);
  const { op, value } = node;
  if (op === 'exists' || op === 'not_exists') return;
  if (value === undefined) return at('value', 'Enter a value');
  if (op === 'in') {
    if (!Array.isArray(value) || value.length === 0) return at('value', 'Choose at least one value');
  } else if (Array.isArray(value)) return at('value', 'Use one value (a list only goes with “in”)');
  if (field.kind === 'trait') return;
  const { def } = field;
  if (op === 'contains' && def.type !== 'text')
    return at('op', `“contains” needs a text field; ${node.field} is ${def.type}`);
  if (['gt', 'gte', 'lt', 'lte'].includes(op) && (def.type === 'boolean' || def.type === 'enum')) {
    return at('op', `${node.field} can only be compared with equals / not equals / in`);
  }
  const values = Array.isArray(value) ? value : [value];
  values.forEach((v, i) => {
    const vpath = Array.isArray(value) ? join(path, 'value', i) : join(path, 'value');
    const bad = (message: string) => problems.push({ path: vpath, message });
    switch (def.type) {
      case 'number':
        if (typeof v !== 'number' || !Number.isFinite(v)) bad('Enter a number');
        break;
      case 'boolean':
        if (typeof v !== 'boolean') bad('Choose true or false');
        break;
      case 'timestamp':
        if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(v) || Number.isNaN(Date.parse(v)))
          bad('Use an ISO timestamp, e.g. 2026-01-31T00:00:00Z');
        break;
      case 'date':
        if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v)))
          bad('Use a date like 1990-05-17');
        break;
      case 'enum':
        if (!def.values?.includes(String(v))) bad(`Choose one of ${def.values?.join(', ')}`);
        break;
      case 'text':
        if (typeof v === 'boolean') bad('Enter text');
        break;
    }
  });
}

/** Problems of a tree, or an empty list; the parsed tree when the shape is valid. */
export function checkCondition(
  raw: unknown,
  options: CheckOptions,
): { condition?: Condition; problems: ConditionProblem[] } {
  const parsed = conditionSchema.safeParse(raw);
  if (!parsed.success) {
    return { problems: parsed.error.issues.map((i) => ({ path: pathToString(i.path), message: i.message })) };
  }
  const problems: ConditionProblem[] = [];
  const walk = (node: Condition, path: (string | number)[], stack: readonly string[]): void => {
    switch (node.kind) {
      case 'and':
      case 'or':
        node.conditions.forEach((child, i) => walk(child, [...path, 'conditions', i], stack));
        return;
      case 'not':
        walk(node.condition, [...path, 'condition'], stack);
        return;
      case 'tag':
        return;
      case 'trait':
        checkTrait(node, path, problems);
        return;
      case 'event':
        if (node.window.type === 'since_entry' && !options.allowSinceEntry) {
          problems.push({
            path: join(path, 'window'),
            message: '“Since entry” only applies inside a journey; use “in the last …” in a segment',
          });
        }
        (node.filters ?? []).forEach((f, i) => {
          if (f.op !== 'exists' && f.op !== 'not_exists' && f.value === undefined) {
            problems.push({ path: join(path, 'filters', i, 'value'), message: 'Enter a value' });
          }
        });
        return;
      case 'segment': {
        if (stack.includes(node.segmentId)) {
          problems.push({
            path: join(path, 'segmentId'),
            message: `Segment “${node.segmentId}” refers back to itself (${[...stack, node.segmentId].join(' → ')})`,
          });
          return;
        }
        const definition = options.segments.get(node.segmentId);
        if (!definition) {
          problems.push({ path: join(path, 'segmentId'), message: `Unknown segment “${node.segmentId}”` });
          return;
        }
        // Problems inside another segment are reported at the node that refers to it.
        const inner: ConditionProblem[] = [];
        const before = problems.length;
        walk(definition, [], [...stack, node.segmentId]);
        inner.push(...problems.splice(before));
        for (const p of inner) {
          problems.push({
            path: join(path, 'segmentId'),
            message: `In segment “${node.segmentId}”${p.path ? ` at ${p.path}` : ''}: ${p.message}`,
          });
        }
        return;
      }
    }
  };
  walk(parsed.data, [], options.selfId ? [options.selfId] : []);
  return { condition: parsed.data, problems };
}

function referencedSegmentIds(node: Condition, into: Set<string>): Set<string> {
  if (node.kind === 'and' || node.kind === 'or')
    node.conditions.forEach((child) => referencedSegmentIds(child, into));
  else if (node.kind === 'not') referencedSegmentIds(node.condition, into);
  else if (node.kind === 'segment') into.add(node.segmentId);
  return into;
}

/**
 * Loads every segment the tree refers to, and the segments those refer to, breadth first; one query per level.
 * A stored definition that no longer parses is left out (and so reported as unknown where it is used).
 */
export async function loadReferencedSegments(
  db: Database,
  workspaceId: string,
  raw: unknown,
): Promise<Map<string, Condition>> {
  const loaded = new Map<string, Condition>();
  const parsed = conditionSchema.safeParse(raw);
  if (!parsed.success) return loaded;
  let pending = [...referencedSegmentIds(parsed.data, new Set())];
  const seen = new Set(pending);
  while (pending.length > 0) {
    const rows = await db
      .select({ id: segments.id, definition: segments.definition })
      .from(segments)
      .where(and(eq(segments.workspaceId, workspaceId), inArray(segments.id, pending)));
    const next: string[] = [];
    for (const row of rows) {
      const def = conditionSchema.safeParse(row.definition);
      if (!def.success) continue;
      loaded.set(row.id, def.data);
      for (const id of referencedSegmentIds(def.data, new Set())) {
        if (!seen.has(id)) {
          seen.add(id);
          next.push(id);
        }
      }
    }
    pending = next;
  }
  return loaded;
}
