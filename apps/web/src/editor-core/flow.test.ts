import { describe, expect, it } from 'vitest';
import type { JourneyGraph } from '@wakeflow/journey';
import { canonicalGraph, testCatalog } from './fixtures';
import { flowToGraph, graphToFlow, groupProblems, type LaneFlowEdge, type StepFlowNode } from './flow';
import { neighbourStep } from './navigation';
import { commandFor } from './shortcuts';

describe('graph ↔ flow', () => {
  it('hands React Flow every node as measured, with where its paths attach', () => {
    // Else React Flow renders and measures off-screen nodes whose object changed or that just appeared: every
    // step below an insert, every step of an unfolded path.
    const view = graphToFlow(canonicalGraph, testCatalog);
    for (const node of view.nodes) expect(node.measured).toEqual({ width: node.width, height: node.height });
    const ends = (id: string) =>
      view.nodes.find((n) => n.id === id)!.handles!.map((h) => `${h.type}@${h.x + h.width! / 2},${h.y}`);
    const { width, height } = view.layout.steps.get('gift_email')!;
    expect(ends('trigger')).toEqual([`source@${width / 2},${height - 3}`]);
    expect(ends('gift_email')).toEqual([`target@${width / 2},-3`, `source@${width / 2},${height - 3}`]);
    expect(ends('wait_return_login')).toEqual([`target@${width / 2},-3`]);
    // The same arrays every time: a new one would make every node look changed to keepUnchangedElements.
    expect(graphToFlow(canonicalGraph, testCatalog).nodes[1]!.handles).toBe(view.nodes[1]!.handles);
  });

  it('turns every step into a positioned node with its summary in words', () => {
    const view = graphToFlow(canonicalGraph, testCatalog, { selectedId: 'wait_return' });
    const steps = view.nodes.filter((n): n is StepFlowNode => n.type === 'step');
    expect(steps).toHaveLength(canonicalGraph.nodes.length);
    const wait = steps.find((n) => n.id === 'wait_return')!;
    expect(wait.selected).toBe(true);
    expect(wait.data.summary).toBe('Wait up to 7 days for login or purchase');
    expect(steps.find((n) => n.id === 'gift_email')!.data).toMatchObject({
      title: 'Return gift email',
      kindLabel: 'Send message',
      summary: 'Send email “return-gift-email”',
    });
    expect(steps.find((n) => n.id === 'trigger')!.data.summary).toBe('Customers entering “no-login-30d”');
  });

  it('labels the lanes of a wait by event and timeout', () => {
    const view = graphToFlow(canonicalGraph, testCatalog);
    const labels = Object.fromEntries(
      view.edges.filter((e) => e.source === 'wait_return').map((e) => [e.data!.outcome, e.data!.label]),
    );
    expect(labels).toEqual({ login: 'Did login', purchase: 'Did purchase', timeout: 'Not within 7 days' });
    expect(view.edges.find((e) => e.source === 'trigger')!.data!.label).toBeUndefined();
  });

  it('labels split arms with their share', () => {
    const g: JourneyGraph = {
      nodes: [
        { id: 't', type: 'api_trigger', config: {} },
        {
          id: 's',
          type: 'split',
          config: {
            arms: [
              { name: 'a', percent: 45 },
              { name: 'b', percent: 45 },
              { name: 'control', percent: 10, holdout: true },
            ],
          },
        },
      ],
      edges: [{ source: 't', outcome: 'next', target: 's' }],
    };
    const view = graphToFlow(g, testCatalog);
    expect(view.edges.filter((e) => e.source === 's').map((e) => e.data!.label)).toEqual([
      'a · 45%',
      'b · 45%',
      'control · 10% holdout',
    ]);
    expect(view.nodes.filter((n) => n.type === 'open')).toHaveLength(3);
  });

  it('round-trips: flow back to graph gives the same journey', () => {
    const view = graphToFlow(canonicalGraph, testCatalog);
    const back = flowToGraph(view.nodes, view.edges as LaneFlowEdge[]);
    const sortEdges = (g: JourneyGraph) =>
      [...g.edges].sort((a, b) => `${a.source}${a.outcome}`.localeCompare(`${b.source}${b.outcome}`));
    expect(back.nodes).toEqual(canonicalGraph.nodes);
    expect(sortEdges(back)).toEqual(sortEdges(canonicalGraph));
  });

  it('puts problems on their step', () => {
    const problems = groupProblems([
      { nodeId: 'gift_email', path: 'config.templateId', message: 'Choose a template' },
      { path: 'nodes', message: 'no trigger' },
    ]);
    const view = graphToFlow(canonicalGraph, testCatalog, { problemsByNode: problems });
    const node = view.nodes.find((n): n is StepFlowNode => n.id === 'gift_email' && n.type === 'step')!;
    expect(node.data.problems).toEqual([{ path: 'config.templateId', message: 'Choose a template' }]);
  });
});

describe('keyboard', () => {
  const press = (
    key: string,
    mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean }> = {},
  ) => ({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });

  it('maps keys to commands from the one registry', () => {
    expect(commandFor(press('Delete'))).toBe('delete');
    expect(commandFor(press('z', { ctrlKey: true }))).toBe('undo');
    expect(commandFor(press('Z', { metaKey: true, shiftKey: true }))).toBe('redo');
    expect(commandFor(press('c', { metaKey: true }))).toBe('copy');
    expect(commandFor(press('v', { ctrlKey: true }))).toBe('paste');
    expect(commandFor(press('ArrowDown'))).toBe('selectDown');
    expect(commandFor(press('x'))).toBeUndefined();
  });

  it('moves between steps with arrows as they sit on the canvas', () => {
    const { layout } = graphToFlow(canonicalGraph, testCatalog);
    expect(neighbourStep(canonicalGraph, layout.steps, undefined, 'down')).toBe('trigger');
    expect(neighbourStep(canonicalGraph, layout.steps, 'trigger', 'down')).toBe('gift_email');
    expect(neighbourStep(canonicalGraph, layout.steps, 'gift_email', 'up')).toBe('trigger');
    expect(neighbourStep(canonicalGraph, layout.steps, 'wait_return_purchase', 'left')).toBe(
      'wait_return_login',
    );
    expect(neighbourStep(canonicalGraph, layout.steps, 'wait_return_purchase', 'right')).toBe('second_push');
    expect(neighbourStep(canonicalGraph, layout.steps, 'trigger', 'up')).toBeUndefined();
  });
});

describe('keyboard order on the canvas', () => {
  it('lists every step before the + buttons, each + named by the step and path it follows', () => {
    const view = graphToFlow(canonicalGraph, testCatalog);
    const types = view.nodes.map((n) => n.type);
    expect(types.lastIndexOf('step')).toBeLessThan(types.indexOf('plus'));
    const plus = view.nodes.find(
      (n) => n.type === 'plus' && n.data.source === 'wait_return' && n.data.outcome === 'timeout',
    );
    expect(plus?.data).toMatchObject({
      insertLabel: 'Add a step on the “Not within 7 days” path after “Wait for event”',
    });
    const step = view.nodes.find((n) => n.id === 'gift_sms');
    expect(step?.ariaLabel).toBe('Return gift SMS, Send message: Send SMS “return-gift-sms”');
  });
});
