import { describe, expect, it } from 'vitest';
import type { JourneyGraph } from '@wakeflow/journey';
import { testCatalog } from './fixtures';
import { graphToFlow } from './flow';
import { keepUnchangedElements } from './flow-identity';

const catalog = testCatalog;
const graph: JourneyGraph = {
  nodes: [
    { id: 't', type: 'api_trigger', config: {} },
    { id: 'a', type: 'send', name: 'First', config: { channel: 'email', templateId: 'x' } },
    { id: 'b', type: 'send', name: 'Second', config: { channel: 'email', templateId: 'y' } },
    { id: 'x', type: 'exit', config: { outcome: 'done' } },
  ],
  edges: [
    { source: 't', outcome: 'next', target: 'a' },
    { source: 'a', outcome: 'next', target: 'b' },
    { source: 'b', outcome: 'next', target: 'x' },
  ],
};

describe('keepUnchangedElements', () => {
  it('hands React Flow the same objects for steps an edit did not touch, a new one for the step that changed', () => {
    const first = graphToFlow(graph, catalog);
    // Renaming step b, as typing in its form does: the graph's other node objects stay the same.
    const renamed = {
      ...graph,
      nodes: graph.nodes.map((n) => (n.id === 'b' ? { ...n, name: 'Second!' } : n)),
    };
    const next = keepUnchangedElements(first, graphToFlow(renamed, catalog));
    const byId = (view: typeof first, id: string) => view.nodes.find((n) => n.id === id);
    expect(byId(next, 'a')).toBe(byId(first, 'a'));
    expect(byId(next, 't')).toBe(byId(first, 't'));
    expect(byId(next, 'b')).not.toBe(byId(first, 'b'));
    expect(next.nodes).not.toBe(first.nodes);
    expect(next.edges).toBe(first.edges);
  });

  it('keeps the very arrays when nothing changed, and takes a new layout as it comes', () => {
    const first = graphToFlow(graph, catalog);
    const again = keepUnchangedElements(first, graphToFlow(graph, catalog));
    expect(again.nodes).toBe(first.nodes);
    expect(again.edges).toBe(first.edges);
    const selected = keepUnchangedElements(first, graphToFlow(graph, catalog, { selectedId: 'a' }));
    expect(selected.nodes.find((n) => n.id === 'a')?.selected).toBe(true);
    expect(selected.nodes.find((n) => n.id === 'b')).toBe(first.nodes.find((n) => n.id === 'b'));
  });
});
