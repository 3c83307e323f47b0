/**
 * A custom kind whose outcomes depend on its config shows its real lanes and its own path words on the canvas:
 * the editor asks the kind's definition, not a per-kind rule of its own (it used to draw a single `next` lane).
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { JourneyGraph } from '@wakeflow/journey';
import { builtinNodes, defineNode, NodeCatalog } from '@wakeflow/nodes/spec';
import { createEditorCatalog, nodeOutcomes } from './catalog';
import { testCatalogEntries } from './fixtures';
import { graphToFlow, type StepFlowNode } from './flow';
import { installedNodeKinds } from './installed-kinds';

/** Routes customers by their preferred channel: one path per channel the manager lists. */
const routeByChannel = defineNode({
  type: 'route_by_channel',
  version: 1,
  config: z.object({
    channels: z.array(z.enum(['email', 'sms', 'push'])).min(1, 'List at least one channel'),
  }),
  palette: {
    label: 'Route by channel',
    description: 'One path per channel',
    icon: 'split',
    category: 'custom',
    color: '#0d9488',
  },
  outcomes: (c) => [...c.channels, 'none'],
  outcomeLabel: (outcome) => (outcome === 'none' ? 'No preference' : `Prefers ${outcome}`),
  describe: (c) => `Route by preferred channel: ${c.channels.join(', ')}`,
  activity: { run: () => Promise.resolve({ outcome: 'none' }) },
});

const kinds = new NodeCatalog([...builtinNodes, routeByChannel]);
const catalog = createEditorCatalog(
  [...testCatalogEntries, ...new NodeCatalog([routeByChannel]).describe()],
  kinds,
);

const graph: JourneyGraph = {
  nodes: [
    { id: 't', type: 'api_trigger', config: {} },
    { id: 'route', type: 'route_by_channel', name: 'By channel', config: { channels: ['email', 'sms'] } },
  ],
  edges: [{ source: 't', outcome: 'next', target: 'route' }],
};

describe('a custom kind with computed outcomes', () => {
  it('gets one lane per configured outcome, labelled in its own words', () => {
    expect(nodeOutcomes(graph.nodes[1]!, catalog)).toEqual(['email', 'sms', 'none']);
    const view = graphToFlow(graph, catalog);
    const lanes = view.edges.filter((e) => e.source === 'route').map((e) => [e.data!.outcome, e.data!.label]);
    expect(lanes).toEqual([
      ['email', 'Prefers email'],
      ['sms', 'Prefers sms'],
      ['none', 'No preference'],
    ]);
    const card = view.nodes.find((n): n is StepFlowNode => n.type === 'step' && n.id === 'route')!;
    expect(card.data.summary).toBe('Route by preferred channel: email, sms');
  });

  it('says what is missing while its config is half-filled', () => {
    const half = { id: 'route', type: 'route_by_channel', config: { channels: [] } };
    expect(
      graphToFlow({ nodes: [graph.nodes[0]!, half], edges: graph.edges }, catalog).nodes.find(
        (n) => n.id === 'route',
      )?.data,
    ).toMatchObject({ summary: 'List at least one channel' });
  });

  it('is how the installation’s registered custom kinds reach the editor', () => {
    expect(installedNodeKinds.get('recommend_products')?.draftOutcomes({})).toEqual(['found', 'none']);
    expect(installedNodeKinds.get('create_service_callback_task')).toBeDefined();
  });
});
