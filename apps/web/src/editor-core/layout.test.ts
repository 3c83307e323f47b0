import { describe, expect, it } from 'vitest';
import type { JourneyGraph } from '@wakeflow/journey';
import { nodeOutcomes, roleOf } from './catalog';
import { canonicalGraph, testCatalog } from './fixtures';
import { largeJourney } from './fixtures/large-journey';
import {
  collapsedPathId,
  COLUMN_GAP,
  laneId,
  layoutJourney,
  openPathId,
  ROW_GAP,
  STEP_HEIGHT,
  STEP_WIDTH,
  TRIGGER_SLOT_ID,
} from './layout';

const layout = (graph: JourneyGraph, collapsed?: ReadonlySet<string>) =>
  layoutJourney({
    graph,
    outcomesOf: (n) => nodeOutcomes(n, testCatalog),
    isTrigger: (n) => roleOf(n, testCatalog) === 'trigger',
    ...(collapsed ? { collapsed } : {}),
  });

/** Every box of a layout (steps, open slots, collapsed blocks) must be clear of the others on its row. */
function expectNoOverlap(l: ReturnType<typeof layout>): void {
  const boxes = [...l.steps.values(), ...l.openPaths, ...l.collapsed];
  const rows = new Map<number, typeof boxes>();
  for (const b of boxes) rows.set(b.y, [...(rows.get(b.y) ?? []), b]);
  for (const row of rows.values()) {
    const sorted = [...row].sort((a, b) => a.x - b.x);
    for (let i = 1; i < sorted.length; i++)
      expect(sorted[i]!.x).toBeGreaterThanOrEqual(sorted[i - 1]!.x + sorted[i - 1]!.width + COLUMN_GAP);
  }
}

const row = (n: number) => n * (STEP_HEIGHT + ROW_GAP);

describe('layoutJourney', () => {
  it('lays the canonical journey out top to bottom, the trigger centred at x = 0', () => {
    const l = layout(canonicalGraph);
    const trigger = l.steps.get('trigger')!;
    expect(trigger.x + trigger.width / 2).toBe(0);
    expect(trigger.y).toBe(0);
    expect(l.steps.get('gift_email')!.y).toBe(row(1));
    expect(l.steps.get('gift_sms')!.y).toBe(row(2));
    expect(l.steps.get('wait_return')!.y).toBe(row(3));
    // The wait fans out into three lanes: login, purchase, timeout — left to right in outcome order.
    const lanes = ['wait_return_login', 'wait_return_purchase', 'second_push'].map((id) => l.steps.get(id)!);
    expect(lanes.every((b) => b.y === row(4))).toBe(true);
    expect(lanes[0]!.x).toBeLessThan(lanes[1]!.x);
    expect(lanes[1]!.x).toBeLessThan(lanes[2]!.x);
    expect(l.openPaths).toEqual([]);
    expect(l.lanes.map((x) => x.id)).toContain('wait_return:timeout');
  });

  it('never overlaps two steps', () => {
    const l = layout(canonicalGraph);
    const boxes = [...l.steps.values()];
    for (const a of boxes)
      for (const b of boxes) {
        if (a === b || a.y !== b.y) continue;
        expect(a.x + a.width <= b.x || b.x + b.width <= a.x).toBe(true);
      }
  });

  it('is deterministic: the same graph lays out the same', () => {
    expect(layout(canonicalGraph)).toEqual(layout(structuredClone(canonicalGraph)));
  });

  it('centres a step over its lanes', () => {
    const graph: JourneyGraph = {
      nodes: [
        { id: 't', type: 'api_trigger', config: {} },
        { id: 'b', type: 'branch', config: {} },
        { id: 'y', type: 'exit', config: {} },
        { id: 'n', type: 'exit', config: {} },
      ],
      edges: [
        { source: 't', outcome: 'next', target: 'b' },
        { source: 'b', outcome: 'yes', target: 'y' },
        { source: 'b', outcome: 'no', target: 'n' },
      ],
    };
    const l = layout(graph);
    const y = l.steps.get('y')!;
    const n = l.steps.get('n')!;
    expect(n.x - (y.x + y.width)).toBe(COLUMN_GAP);
    expect(l.steps.get('b')!.x + STEP_WIDTH / 2).toBe((y.x + n.x + n.width) / 2);
  });

  it('gives every open path a slot at the end of its lane', () => {
    const graph: JourneyGraph = {
      nodes: [
        { id: 't', type: 'api_trigger', config: {} },
        {
          id: 's',
          type: 'split',
          config: {
            arms: [
              { name: 'a', percent: 50 },
              { name: 'b', percent: 50 },
            ],
          },
        },
      ],
      edges: [{ source: 't', outcome: 'next', target: 's' }],
    };
    const l = layout(graph);
    expect(l.openPaths.map((o) => o.id)).toEqual([openPathId('s', 'a'), openPathId('s', 'b')]);
    expect(l.openPaths.every((o) => o.y === row(2))).toBe(true);
    expect(l.lanes.filter((x) => x.open).map((x) => x.outcome)).toEqual(['a', 'b']);
  });

  it('shows a trigger slot above the first step when there is no trigger', () => {
    const empty = layout({ nodes: [], edges: [] });
    expect(empty.triggerSlot?.id).toBe(TRIGGER_SLOT_ID);
    const headless = layout({
      nodes: [
        { id: 'd', type: 'delay', config: { mode: 'duration', duration: { amount: 1, unit: 'days' } } },
      ],
      edges: [],
    });
    expect(headless.steps.get('d')!.y).toBe(row(1));
    expect(headless.lanes[0]).toMatchObject({ source: TRIGGER_SLOT_ID, target: 'd' });
  });

  it('places a step reached twice under its first path and still draws the second lane', () => {
    const graph: JourneyGraph = {
      nodes: [
        { id: 't', type: 'api_trigger', config: {} },
        { id: 'b', type: 'branch', config: {} },
        { id: 'x', type: 'exit', config: {} },
      ],
      edges: [
        { source: 't', outcome: 'next', target: 'b' },
        { source: 'b', outcome: 'yes', target: 'x' },
        { source: 'b', outcome: 'no', target: 'x' },
      ],
    };
    const l = layout(graph);
    expect(l.steps.size).toBe(3);
    expect(l.lanes.filter((x) => x.target === 'x')).toHaveLength(2);
  });

  it('survives a cycle and detached steps without losing any step', () => {
    const graph: JourneyGraph = {
      nodes: [
        { id: 't', type: 'api_trigger', config: {} },
        { id: 'a', type: 'delay', config: {} },
        { id: 'b', type: 'delay', config: {} },
        { id: 'loose', type: 'exit', config: {} },
      ],
      edges: [
        { source: 't', outcome: 'next', target: 'a' },
        { source: 'a', outcome: 'next', target: 'b' },
        { source: 'b', outcome: 'next', target: 'a' },
      ],
    };
    const l = layout(graph);
    expect([...l.steps.keys()].sort()).toEqual(['a', 'b', 'loose', 't']);
    expect(l.steps.get('loose')!.x).toBeGreaterThan(l.steps.get('t')!.x);
  });

  it('lays out 300 steps quickly', () => {
    const nodes: JourneyGraph['nodes'] = [{ id: 't', type: 'api_trigger', config: {} }];
    const edges: JourneyGraph['edges'] = [];
    let prev = 't';
    for (let i = 0; i < 300; i++) {
      const id = `s${i}`;
      nodes.push({ id, type: i % 3 === 0 ? 'branch' : 'delay', config: {} });
      edges.push({
        source: prev,
        outcome: nodes[nodes.length - 2]!.type === 'branch' ? 'yes' : 'next',
        target: id,
      });
      prev = id;
    }
    const start = performance.now();
    const l = layout({ nodes, edges });
    expect(performance.now() - start).toBeLessThan(200);
    expect(l.steps.size).toBe(301);
  });

  it('runs a long journey down one straight path, its short side paths beside it (no wide V)', () => {
    const graph = largeJourney(300);
    const l = layout(graph);
    expectNoOverlap(l);
    // The main path: from the trigger, always the lane that carries the journey on, down to the last exit.
    const trigger = l.steps.get('trigger')!;
    for (const id of ['send_1', 'delay_2', 'split_3', 'wait_4', 'branch_5', 'send_101'])
      expect(l.steps.get(id)!.x, id).toBe(trigger.x);
    // One column for the main path and one for the side paths either side of it.
    expect(l.bounds.width).toBeLessThanOrEqual(3 * STEP_WIDTH + 2 * COLUMN_GAP);
  });

  it('draws a collapsed lane as one block counting the steps behind it, and hides them', () => {
    const graph = largeJourney(300);
    const l = layout(graph, new Set([laneId('split_3', 'a'), laneId('split_3', 'b')]));
    const blocks = l.collapsed.map((c) => ({ id: c.id, first: c.hidden[0], count: c.hidden.length }));
    expect(blocks).toEqual([
      { id: collapsedPathId('split_3', 'a'), first: 'wait_4', count: graph.nodes.length - 6 },
      { id: collapsedPathId('split_3', 'b'), first: 'send_b_3', count: 2 },
    ]);
    expect([...l.steps.keys()]).toEqual(['trigger', 'send_1', 'delay_2', 'split_3']);
    expect(l.openPaths).toEqual([]);
    expect(l.lanes.map((x) => `${x.id}>${x.target}`)).toEqual([
      'trigger:next>send_1',
      'send_1:next>delay_2',
      'delay_2:next>split_3',
      `split_3:a>${collapsedPathId('split_3', 'a')}`,
      `split_3:b>${collapsedPathId('split_3', 'b')}`,
    ]);
    expectNoOverlap(l);
  });

  it('packs side paths by their outline: a short path tucks in beside a wide one', () => {
    const l = layout(canonicalGraph);
    expectNoOverlap(l);
    // The wait's main path (no return within the window) runs straight down; its short exits sit beside it.
    expect(l.steps.get('second_push')!.x).toBe(l.steps.get('wait_return')!.x);
  });
});
