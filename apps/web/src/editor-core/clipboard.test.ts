import { describe, expect, it } from 'vitest';
import type { JourneyGraph } from '@wakeflow/journey';
import { copyBranch, copyStep, pasteFragment } from './clipboard';
import { canonicalGraph, testCatalog } from './fixtures';

describe('clipboard', () => {
  it('copies a step alone and pastes it with a fresh id between two steps', () => {
    const copied = copyStep(canonicalGraph, 'gift_sms', testCatalog);
    if (!copied.ok) throw new Error(copied.reason);
    const r = pasteFragment(
      canonicalGraph,
      copied.fragment,
      { kind: 'path', source: 'second_push', outcome: 'next' },
      testCatalog,
    );
    if (!r.ok) throw new Error(r.reason);
    expect(r.focus).toBe('send_1');
    expect(r.graph.edges).toContainEqual({ source: 'second_push', outcome: 'next', target: 'send_1' });
    expect(r.graph.edges).toContainEqual({ source: 'send_1', outcome: 'next', target: 'second_email' });
    expect(r.graph.nodes.find((n) => n.id === 'send_1')).toMatchObject({
      name: 'Return gift SMS',
      config: { channel: 'sms' },
    });
  });

  it('copies a branch with everything below it', () => {
    const copied = copyBranch(canonicalGraph, 'second_push', testCatalog);
    if (!copied.ok) throw new Error(copied.reason);
    expect(copied.fragment.nodes.map((n) => n.id)).toEqual([
      'second_push',
      'second_email',
      'wait_second',
      'wait_second_login',
      'wait_second_purchase',
      'still_dormant',
    ]);
    expect(copied.fragment.edges).toHaveLength(5);
  });

  it('pastes a closed branch on an open path, and refuses it between two steps', () => {
    const copied = copyBranch(canonicalGraph, 'wait_second', testCatalog);
    if (!copied.ok) throw new Error(copied.reason);
    const open: JourneyGraph = { nodes: [{ id: 't', type: 'api_trigger', config: {} }], edges: [] };
    const r = pasteFragment(
      open,
      copied.fragment,
      { kind: 'path', source: 't', outcome: 'next' },
      testCatalog,
    );
    if (!r.ok) throw new Error(r.reason);
    expect(r.graph.nodes).toHaveLength(5);
    expect(new Set(r.graph.nodes.map((n) => n.id)).size).toBe(5);
    expect(r.graph.edges.filter((e) => e.source === 'wait_for_event_1').map((e) => e.outcome)).toEqual([
      'login',
      'purchase',
      'timeout',
    ]);
    expect(
      pasteFragment(
        canonicalGraph,
        copied.fragment,
        { kind: 'path', source: 'trigger', outcome: 'next' },
        testCatalog,
      ).ok,
    ).toBe(false);
  });

  it('does not copy the trigger', () => {
    expect(copyStep(canonicalGraph, 'trigger', testCatalog).ok).toBe(false);
  });
});
