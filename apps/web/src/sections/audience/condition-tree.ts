/**
 * The segment builder's logic, pure: new nodes of each kind, edits at a node path (replace, remove, add a child,
 * negate), the operators a field type accepts, and which node an API problem belongs to. Paths are the API's own
 * (`conditions.1.condition`), so problems from `POST /api/segments/preview` land on the node they name.
 */
import type { ComparisonOp, Condition, TraitCondition } from '@wakeflow/journey';

export type NodePath = string;
export type FieldType = 'text' | 'number' | 'timestamp' | 'date' | 'boolean' | 'enum';

export const emptyGroup = (kind: 'and' | 'or' = 'and'): Condition => ({ kind, conditions: [] });

export function newCondition(kind: 'trait' | 'event' | 'tag' | 'segment' | 'group'): Condition {
  switch (kind) {
    case 'trait':
      return { kind: 'trait', field: 'facts.dormancyStage', op: 'eq', value: 'dormant_1_3m' };
    case 'event':
      return {
        kind: 'event',
        event: 'login',
        window: { type: 'last', duration: { amount: 30, unit: 'days' } },
        count: { op: 'eq', value: 0 },
      };
    case 'tag':
      return { kind: 'tag', tag: '', has: true };
    case 'segment':
      return { kind: 'segment', segmentId: '', member: true };
    case 'group':
      return { kind: 'or', conditions: [newCondition('trait')] };
  }
}

export const childPath = (parent: NodePath, key: string | number): NodePath =>
  parent ? `${parent}.${key}` : String(key);

export function nodeAt(root: Condition, path: NodePath): Condition | undefined {
  if (!path) return root;
  let node: unknown = root;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node as Condition | undefined;
}

/** A copy of the tree with the node at `path` replaced by `update(node)`, or removed when it returns null. */
export function updateAt(
  root: Condition,
  path: NodePath,
  update: (node: Condition) => Condition | null,
): Condition {
  if (!path) return update(root) ?? emptyGroup();
  const keys = path.split('.');
  const rebuild = (node: Condition, depth: number): Condition => {
    const key = keys[depth]!;
    const last = depth === keys.length - 1;
    if ((node.kind === 'and' || node.kind === 'or') && key === 'conditions') {
      const index = Number(keys[depth + 1]);
      const childDepth = depth + 1;
      const conditions = node.conditions.flatMap((child, i) => {
        if (i !== index) return [child];
        if (childDepth === keys.length - 1) {
          const next = update(child);
          return next ? [next] : [];
        }
        return [rebuild(child, childDepth + 1)];
      });
      return { ...node, conditions };
    }
    if (node.kind === 'not' && key === 'condition') {
      if (last) {
        const next = update(node.condition);
        // Removing what a NOT wraps removes nothing useful: keep an empty group so the NOT stays editable.
        return { kind: 'not', condition: next ?? emptyGroup() };
      }
      return { kind: 'not', condition: rebuild(node.condition, depth + 1) };
    }
    return node;
  };
  return rebuild(root, 0);
}

export function removeAt(root: Condition, path: NodePath): Condition {
  return updateAt(root, path, () => null);
}

export function addChild(root: Condition, groupPath: NodePath, child: Condition): Condition {
  return updateAt(root, groupPath, (node) =>
    node.kind === 'and' || node.kind === 'or' ? { ...node, conditions: [...node.conditions, child] } : node,
  );
}

/** Wraps a node in NOT, or unwraps it when it already is one. */
export function toggleNot(root: Condition, path: NodePath): Condition {
  return updateAt(root, path, (node) =>
    node.kind === 'not' ? node.condition : { kind: 'not', condition: node },
  );
}

/** Operators offered per field type, in the order a manager reads them. */
export function operatorsFor(type: FieldType | undefined): ComparisonOp[] {
  switch (type) {
    case 'number':
      return ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'exists', 'not_exists'];
    case 'timestamp':
    case 'date':
      return ['gt', 'gte', 'lt', 'lte', 'eq', 'exists', 'not_exists'];
    case 'boolean':
      return ['eq'];
    case 'enum':
      return ['eq', 'neq', 'in'];
    case 'text':
      return ['eq', 'neq', 'contains', 'in', 'exists', 'not_exists'];
    default:
      // Free traits: anything goes; values that look like numbers compare as numbers.
      return ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'in', 'exists', 'not_exists'];
  }
}

const opLabels: Record<ComparisonOp, string> = {
  eq: 'is',
  neq: 'is not',
  gt: 'is more than',
  gte: 'is at least',
  lt: 'is less than',
  lte: 'is at most',
  contains: 'contains',
  exists: 'is set',
  not_exists: 'is not set',
  in: 'is one of',
};
const dateOpLabels: Partial<Record<ComparisonOp, string>> = {
  gt: 'is after',
  gte: 'is on or after',
  lt: 'is before',
  lte: 'is on or before',
  eq: 'is',
};

export function operatorLabel(op: ComparisonOp, type: FieldType | undefined): string {
  return (type === 'timestamp' || type === 'date' ? dateOpLabels[op] : undefined) ?? opLabels[op];
}

/** A sensible value when the field or operator changes, so the tree stays valid as far as it can. */
export function defaultValue(
  type: FieldType | undefined,
  op: ComparisonOp,
  values?: readonly string[],
): TraitCondition['value'] {
  if (op === 'exists' || op === 'not_exists') return undefined;
  if (op === 'in') return values?.length ? [values[0]!] : [];
  switch (type) {
    case 'number':
      return 0;
    case 'boolean':
      return true;
    case 'enum':
      return values?.[0] ?? '';
    case 'date':
      return new Date().toISOString().slice(0, 10);
    case 'timestamp':
      return `${new Date().toISOString().slice(0, 10)}T00:00:00Z`;
    default:
      return '';
  }
}

/**
 * The node a problem path points at: the longest prefix made of `conditions.<i>` and `condition` steps. So
 * `conditions.1.condition.value` belongs to node `conditions.1.condition`, and `value` to the root.
 */
export function nodeOfProblem(problemPath: string): NodePath {
  const keys = problemPath ? problemPath.split('.') : [];
  const node: string[] = [];
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] === 'conditions' && i + 1 < keys.length && /^\d+$/.test(keys[i + 1]!)) {
      node.push('conditions', keys[i + 1]!);
      i++;
    } else if (keys[i] === 'condition') node.push('condition');
    else break;
  }
  return node.join('.');
}

/** Problems grouped by the node they belong to. */
export function problemsByNode(
  problems: readonly { path: string; message: string }[],
): Map<NodePath, string[]> {
  const out = new Map<NodePath, string[]>();
  for (const p of problems) {
    // The API prefixes problems in a request body with `body.definition.`.
    const path = p.path.replace(/^body\.definition\.?/, '');
    const node = nodeOfProblem(path);
    out.set(node, [...(out.get(node) ?? []), p.message]);
  }
  return out;
}

/** Leaves in the tree: a group with none matches everyone (AND) or no one (OR), which the builder warns about. */
export function countLeaves(node: Condition): number {
  if (node.kind === 'and' || node.kind === 'or')
    return node.conditions.reduce((n, c) => n + countLeaves(c), 0);
  if (node.kind === 'not') return countLeaves(node.condition);
  return 1;
}

/** Stage ids as words. */
export const stageLabels: Record<string, string> = {
  active: 'Active',
  dormant_1_3m: 'Dormant 1–3 months',
  dormant_3_6m: 'Dormant 3–6 months',
  dormant_6_12m: 'Dormant 6–12 months',
  dormant_12m_plus: 'Dormant 12+ months',
  never_active: 'Never active',
};

export const tierLabels: Record<string, string> = {
  high: 'High value',
  mid: 'Mid value',
  low: 'Low value',
  unscored: 'Not scored',
};
