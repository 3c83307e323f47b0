import { describe, expect, it } from 'vitest';
import { canonicalGraph, testCatalog } from './fixtures';
import { largeJourney } from './fixtures/large-journey';
import { collapseAllPaths, expandLane, foldableLanes, revealStep, toggleStepPaths } from './collapse';
import { graphToFlow } from './flow';
import { laneId } from './layout';

describe('collapsed paths', () => {
  it('folds only the paths of a step that has several, and unfolds them again', () => {
    expect(foldableLanes(canonicalGraph, 'gift_email')).toEqual([]);
    const folded = toggleStepPaths(new Set(), canonicalGraph, 'wait_return');
    expect([...folded].sort()).toEqual(['wait_return:login', 'wait_return:purchase', 'wait_return:timeout']);
    expect(toggleStepPaths(folded, canonicalGraph, 'wait_return').size).toBe(0);
  });

  it('draws a folded path as one block naming its steps, and marks the step', () => {
    const folded = toggleStepPaths(new Set(), canonicalGraph, 'wait_return');
    const view = graphToFlow(canonicalGraph, testCatalog, { collapsed: folded });
    const blocks = view.nodes.filter((n) => n.type === 'collapsed');
    expect(blocks.map((b) => b.id)).toEqual([
      'collapsed:wait_return:login',
      'collapsed:wait_return:purchase',
      'collapsed:wait_return:timeout',
    ]);
    const timeout = blocks[2]!;
    expect(timeout.type === 'collapsed' && timeout.data).toMatchObject({ count: 6, first: 'second_push' });
    expect(timeout.type === 'collapsed' && timeout.data.expandLabel).toMatch(
      /^Show the “Not within 7 days” path after “.+”: 6 steps, /,
    );
    const wait = view.nodes.find((n) => n.id === 'wait_return');
    expect(wait?.type === 'step' && wait.data.paths).toBe('folded');
    expect(view.nodes.some((n) => n.id === 'second_push')).toBe(false);
    // Blocks come after the steps and before the + buttons (Tab order).
    const types = view.nodes.map((n) => n.type);
    expect(types.lastIndexOf('step')).toBeLessThan(types.indexOf('collapsed'));
  });

  it('folds the 301-step journey down to its first fork', () => {
    const graph = largeJourney(300);
    const view = graphToFlow(graph, testCatalog, { collapsed: collapseAllPaths(graph) });
    expect(view.nodes.filter((n) => n.type === 'step').map((n) => n.id)).toEqual([
      'trigger',
      'send_1',
      'delay_2',
      'split_3',
    ]);
  });

  it('expands one path, and reveals a hidden step by unfolding every path on its way', () => {
    const graph = largeJourney(300);
    const all = collapseAllPaths(graph);
    expect(expandLane(all, 'split_3', 'a').has(laneId('split_3', 'a'))).toBe(false);
    const shown = revealStep(all, graph, 'send_101');
    const view = graphToFlow(graph, testCatalog, { collapsed: shown });
    expect(view.layout.steps.has('send_101')).toBe(true);
    // Side paths not on the way stay folded.
    expect(shown.has(laneId('split_3', 'b'))).toBe(true);
    expect(revealStep(shown, graph, 'send_101')).toBe(shown);
  });
});
