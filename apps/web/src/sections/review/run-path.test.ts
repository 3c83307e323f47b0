import { describe, expect, it } from 'vitest';
import { canonicalGraph, testCatalog } from '../../editor-core/fixtures';
import { graphToFlow } from '../../editor-core';
import type { RunStep } from '../../api/review';
import { decorateFlow, laneKey, runPath } from './run-path';

const at = (minute: number) => new Date(Date.UTC(2036, 10, 26, 4, minute)).toISOString();
/** A customer who got the gift, did not come back within the wait, got the second wave and is waiting again. */
const steps: RunStep[] = [
  { nodeId: 'trigger', seq: 1, enteredAt: at(0), leftAt: at(0), outcome: 'next' },
  { nodeId: 'gift_email', seq: 2, enteredAt: at(1), leftAt: at(1), outcome: 'next' },
  { nodeId: 'gift_sms', seq: 3, enteredAt: at(2), leftAt: at(2), outcome: 'next' },
  { nodeId: 'wait_return', seq: 4, enteredAt: at(3), leftAt: at(30), outcome: 'timeout' },
  { nodeId: 'second_push', seq: 5, enteredAt: at(30), leftAt: at(30), outcome: 'next' },
  { nodeId: 'second_email', seq: 6, enteredAt: at(31), leftAt: at(31), outcome: 'next' },
  { nodeId: 'wait_second', seq: 7, enteredAt: at(32), leftAt: null, outcome: null },
];

describe('a run drawn on the journey canvas', () => {
  it('knows the visited steps, the lanes taken and where a running customer is now', () => {
    const path = runPath(steps, { status: 'running', currentNodeId: 'wait_second' });
    expect([...path.visits.keys()]).toEqual(steps.map((s) => s.nodeId));
    expect(path.taken.has(laneKey('wait_return', 'timeout'))).toBe(true);
    expect(path.taken.has(laneKey('wait_return', 'login'))).toBe(false);
    expect(path.current).toBe('wait_second');
    expect(runPath(steps, { status: 'completed', currentNodeId: null }).current).toBeUndefined();
  });

  it('highlights visited steps with their order and time, dims the rest, and marks taken lanes', () => {
    const view = graphToFlow(canonicalGraph, testCatalog);
    const path = runPath(steps, { status: 'running', currentNodeId: 'wait_second' });
    const drawn = decorateFlow(view, path, (iso) => iso.slice(11, 16));
    const byId = new Map(drawn.nodes.map((n) => [n.id, n]));
    expect(byId.get('gift_email')!.className).toBe('run-visited');
    expect((byId.get('gift_email')!.style as Record<string, string>)['--run-badge']).toBe('"2 · 04:01"');
    expect(byId.get('wait_second')!.className).toBe('run-visited run-current');
    expect(byId.get('wait_return_login')!.className).toBe('run-unvisited');
    const lane = (source: string, outcome: string) =>
      drawn.edges.find((e) => e.source === source && e.data?.outcome === outcome)!;
    expect(lane('wait_return', 'timeout').className).toBe('run-taken');
    expect(lane('wait_return', 'purchase').className).toBe('run-untaken');
    // The editor's view is left alone: the same layout, node data untouched.
    expect(drawn.layout).toBe(view.layout);
    expect(view.nodes.every((n) => n.className === undefined)).toBe(true);
  });
});
