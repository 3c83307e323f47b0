import { describe, expect, it } from 'vitest';
import type { Condition } from '@wakeflow/journey';
import {
  addChild,
  newCondition,
  nodeAt,
  nodeOfProblem,
  operatorsFor,
  problemsByNode,
  removeAt,
  toggleNot,
  updateAt,
} from './condition-tree';

const tree: Condition = {
  kind: 'and',
  conditions: [
    { kind: 'trait', field: 'facts.valueTier', op: 'eq', value: 'high' },
    {
      kind: 'or',
      conditions: [
        { kind: 'tag', tag: 'vip', has: true },
        { kind: 'not', condition: { kind: 'segment', segmentId: 'buyers', member: true } },
      ],
    },
  ],
};

describe('condition tree edits', () => {
  it('replaces a nested node and leaves the rest untouched', () => {
    const next = updateAt(tree, 'conditions.1.conditions.0', () => ({
      kind: 'tag',
      tag: 'gold',
      has: false,
    }));
    expect(nodeAt(next, 'conditions.1.conditions.0')).toEqual({ kind: 'tag', tag: 'gold', has: false });
    expect(nodeAt(next, 'conditions.0')).toBe(nodeAt(tree, 'conditions.0'));
    expect(nodeAt(tree, 'conditions.1.conditions.0')).toEqual({ kind: 'tag', tag: 'vip', has: true });
  });

  it('edits inside a NOT', () => {
    const next = updateAt(tree, 'conditions.1.conditions.1.condition', () => ({
      kind: 'segment',
      segmentId: 'churned',
      member: true,
    }));
    expect(nodeAt(next, 'conditions.1.conditions.1')).toEqual({
      kind: 'not',
      condition: { kind: 'segment', segmentId: 'churned', member: true },
    });
  });

  it('removes a child, adds one to a group, and wraps or unwraps NOT', () => {
    expect(removeAt(tree, 'conditions.0')).toEqual({
      kind: 'and',
      conditions: [tree.kind === 'and' ? tree.conditions[1] : null],
    });
    const added = addChild(tree, 'conditions.1', newCondition('event'));
    expect((nodeAt(added, 'conditions.1') as { conditions: unknown[] }).conditions).toHaveLength(3);
    const negated = toggleNot(tree, 'conditions.0');
    expect(nodeAt(negated, 'conditions.0')).toEqual({
      kind: 'not',
      condition: { kind: 'trait', field: 'facts.valueTier', op: 'eq', value: 'high' },
    });
    expect(toggleNot(negated, 'conditions.0')).toEqual(tree);
    expect(toggleNot(tree, 'conditions.1.conditions.1')).toEqual(
      updateAt(tree, 'conditions.1.conditions.1', () => ({
        kind: 'segment',
        segmentId: 'buyers',
        member: true,
      })),
    );
  });

  it('puts each API problem on the node it names', () => {
    expect(nodeOfProblem('conditions.1.condition.value')).toBe('conditions.1.condition');
    expect(nodeOfProblem('conditions.0.field')).toBe('conditions.0');
    expect(nodeOfProblem('conditions')).toBe('');
    expect(nodeOfProblem('')).toBe('');
    const byNode = problemsByNode([
      { path: 'conditions.1.conditions.1.condition.segmentId', message: 'Unknown segment “buyers”' },
      { path: 'body.definition.conditions.0.value', message: 'Enter a number' },
      { path: 'conditions', message: 'Add at least one condition' },
    ]);
    expect(byNode.get('conditions.1.conditions.1.condition')).toEqual(['Unknown segment “buyers”']);
    expect(byNode.get('conditions.0')).toEqual(['Enter a number']);
    expect(byNode.get('')).toEqual(['Add at least one condition']);
  });

  it('offers operators that fit the field type', () => {
    expect(operatorsFor('boolean')).toEqual(['eq']);
    expect(operatorsFor('enum')).not.toContain('gt');
    expect(operatorsFor('text')).toContain('contains');
    expect(operatorsFor('number')).not.toContain('contains');
    expect(operatorsFor(undefined)).toContain('in');
  });
});
