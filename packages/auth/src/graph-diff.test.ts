import { describe, expect, it } from 'vitest';
import { diffJourneys } from './graph-diff';

const v1 = {
  graph: {
    nodes: [
      { id: 't', type: 'audience_trigger', config: { segmentId: 'dormant' }, position: { x: 0, y: 0 } },
      { id: 'mail', type: 'send', config: { channel: 'email', templateId: 'a' } },
      { id: 'x', type: 'exit', config: {} },
    ],
    edges: [
      { source: 't', target: 'mail' },
      { source: 'mail', target: 'x' },
    ],
  },
  settings: { priority: 5 },
};

describe('journey diff for reviewers', () => {
  it('names added, removed and changed steps, connections and settings', () => {
    const v2 = {
      graph: {
        nodes: [
          { id: 't', type: 'audience_trigger', config: { segmentId: 'dormant' }, position: { x: 50, y: 9 } },
          { id: 'mail', type: 'send', config: { templateId: 'b', channel: 'email' } },
          { id: 'sms', type: 'send', config: { channel: 'sms', templateId: 's' } },
        ],
        edges: [
          { source: 't', target: 'mail' },
          { source: 'mail', target: 'sms' },
        ],
      },
      settings: { priority: 8 },
    };
    const d = diffJourneys(v1, v2);
    expect(d.nodes.added.map((n) => (n as { id: string }).id)).toEqual(['sms']);
    expect(d.nodes.removed.map((n) => (n as { id: string }).id)).toEqual(['x']);
    expect(d.nodes.changed.map((c) => c.id)).toEqual(['mail']);
    expect(d.edges).toEqual({ added: ['mail -next-> sms'], removed: ['mail -next-> x'] });
    expect(d.settings).toEqual([{ key: 'priority', before: 5, after: 8 }]);
    expect(d.unchanged).toBe(false);
  });

  it('treats a first publish as all added, and moved boxes or reordered keys as unchanged', () => {
    expect(diffJourneys(null, v1).nodes.added).toHaveLength(3);
    const moved = structuredClone(v1);
    (moved.graph.nodes[0] as { position: { x: number } }).position.x = 999;
    expect(diffJourneys(v1, moved).unchanged).toBe(true);
  });
});
