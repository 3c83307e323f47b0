import { describe, expect, it } from 'vitest';
import type { GraphNode, JourneyGraph } from '@wakeflow/journey';
import { canonicalGraph, testCatalog } from './fixtures';
import {
  deleteStep,
  duplicateStep,
  freshNodeId,
  insertStep,
  renameStep,
  updateConfig,
  type EditResult,
} from './graph-ops';

function graphOf(result: EditResult): JourneyGraph {
  if (!result.ok) throw new Error(`edit failed: ${result.reason}`);
  return result.graph;
}

const edgesOf = (g: JourneyGraph) => g.edges.map((e) => `${e.source}-${e.outcome}->${e.target}`).sort();
const delay = (id: string): GraphNode => ({
  id,
  type: 'delay',
  config: { mode: 'duration', duration: { amount: 1, unit: 'days' } },
});
const exit = (id: string): GraphNode => ({ id, type: 'exit', config: { outcome: 'completed' } });
const branch = (id: string): GraphNode => ({ id, type: 'branch', config: {} });

const line: JourneyGraph = {
  nodes: [{ id: 't', type: 'api_trigger', config: {} }, delay('d'), exit('x')],
  edges: [
    { source: 't', outcome: 'next', target: 'd' },
    { source: 'd', outcome: 'next', target: 'x' },
  ],
};

describe('insertStep', () => {
  it('puts a step between two steps, the old continuation on its first path', () => {
    const g = graphOf(
      insertStep(line, { kind: 'path', source: 't', outcome: 'next' }, branch('b'), testCatalog),
    );
    expect(edgesOf(g)).toEqual(['b-yes->d', 'd-next->x', 't-next->b']);
  });

  it('fills an open path', () => {
    const open: JourneyGraph = { nodes: [line.nodes[0]!], edges: [] };
    const g = graphOf(
      insertStep(open, { kind: 'path', source: 't', outcome: 'next' }, exit('x'), testCatalog),
    );
    expect(edgesOf(g)).toEqual(['t-next->x']);
  });

  it('refuses an exit between two steps and a second trigger', () => {
    const r = insertStep(line, { kind: 'path', source: 't', outcome: 'next' }, exit('x2'), testCatalog);
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining('exit ends') });
    expect(
      insertStep(line, { kind: 'trigger' }, { id: 't2', type: 'event_trigger', config: {} }, testCatalog).ok,
    ).toBe(false);
    expect(
      insertStep(
        line,
        { kind: 'path', source: 'd', outcome: 'next' },
        { id: 't2', type: 'event_trigger', config: {} },
        testCatalog,
      ).ok,
    ).toBe(false);
  });

  it('fills the trigger slot and connects the first detached step', () => {
    const headless: JourneyGraph = { nodes: [delay('d')], edges: [] };
    const g = graphOf(
      insertStep(headless, { kind: 'trigger' }, { id: 't', type: 'api_trigger', config: {} }, testCatalog),
    );
    expect(g.nodes[0]!.id).toBe('t');
    expect(edgesOf(g)).toEqual(['t-next->d']);
  });
});

describe('deleteStep', () => {
  it('joins the paths around a single-path step', () => {
    expect(edgesOf(graphOf(deleteStep(line, 'd', testCatalog)))).toEqual(['t-next->x']);
  });

  it('leaves an open path where an end step was', () => {
    const g = graphOf(deleteStep(line, 'x', testCatalog));
    expect(edgesOf(g)).toEqual(['t-next->d']);
  });

  it('asks which path to keep when more than one continues', () => {
    const r = deleteStep(canonicalGraph, 'wait_return', testCatalog);
    expect(r).toMatchObject({ ok: false, choose: ['login', 'purchase', 'timeout'] });
  });

  it('keeps the chosen path and removes the branches below the others', () => {
    const g = graphOf(deleteStep(canonicalGraph, 'wait_return', testCatalog, 'timeout'));
    const ids = g.nodes.map((n) => n.id);
    expect(ids).not.toContain('wait_return_login');
    expect(ids).not.toContain('wait_return_purchase');
    expect(ids).toContain('second_push');
    expect(g.edges).toContainEqual({ source: 'gift_sms', outcome: 'next', target: 'second_push' });
  });

  it("removes the whole branch with 'none'", () => {
    const g = graphOf(deleteStep(canonicalGraph, 'wait_return', testCatalog, 'none'));
    expect(g.nodes.map((n) => n.id)).toEqual(['trigger', 'gift_email', 'gift_sms']);
    expect(edgesOf(g)).toEqual(['gift_email-next->gift_sms', 'trigger-next->gift_email']);
  });

  it('keeps a step the dropped branch shares with a kept one', () => {
    const g: JourneyGraph = {
      nodes: [{ id: 't', type: 'api_trigger', config: {} }, branch('b'), delay('d1'), exit('shared')],
      edges: [
        { source: 't', outcome: 'next', target: 'b' },
        { source: 'b', outcome: 'yes', target: 'd1' },
        { source: 'b', outcome: 'no', target: 'shared' },
        { source: 'd1', outcome: 'next', target: 'shared' },
      ],
    };
    const after = graphOf(deleteStep(g, 'b', testCatalog, 'yes'));
    expect(edgesOf(after)).toEqual(['d1-next->shared', 't-next->d1']);
  });

  it('deletes the trigger alone, leaving the steps below it', () => {
    const g = graphOf(deleteStep(line, 't', testCatalog));
    expect(g.nodes.map((n) => n.id)).toEqual(['d', 'x']);
  });
});

describe('updateConfig', () => {
  it('renames a lane when its event is renamed', () => {
    const wait = canonicalGraph.nodes.find((n) => n.id === 'wait_return')!;
    const config = { ...wait.config, events: [{ event: 'app_open' }, { event: 'purchase' }] };
    const g = graphOf(updateConfig(canonicalGraph, 'wait_return', config, testCatalog));
    expect(g.edges).toContainEqual({
      source: 'wait_return',
      outcome: 'app_open',
      target: 'wait_return_login',
    });
    expect(g.nodes).toHaveLength(canonicalGraph.nodes.length);
  });

  it('removes the branch of a lane whose event is removed', () => {
    const wait = canonicalGraph.nodes.find((n) => n.id === 'wait_return')!;
    const g = graphOf(
      updateConfig(
        canonicalGraph,
        'wait_return',
        { ...wait.config, events: [{ event: 'purchase' }] },
        testCatalog,
      ),
    );
    expect(g.nodes.map((n) => n.id)).not.toContain('wait_return_login');
    expect(g.edges).toContainEqual({
      source: 'wait_return',
      outcome: 'purchase',
      target: 'wait_return_purchase',
    });
    expect(g.edges).toContainEqual({ source: 'wait_return', outcome: 'timeout', target: 'second_push' });
  });

  it('adds an open lane when an arm is added to a split', () => {
    const g0: JourneyGraph = {
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
        exit('xa'),
      ],
      edges: [
        { source: 't', outcome: 'next', target: 's' },
        { source: 's', outcome: 'a', target: 'xa' },
      ],
    };
    const g = graphOf(
      updateConfig(
        g0,
        's',
        {
          arms: [
            { name: 'a', percent: 40 },
            { name: 'b', percent: 40 },
            { name: 'holdout', percent: 20, holdout: true },
          ],
        },
        testCatalog,
      ),
    );
    expect(edgesOf(g)).toEqual(['s-a->xa', 't-next->s']);
  });
});

describe('rename, duplicate and ids', () => {
  it('renames and clears a name', () => {
    const named = graphOf(renameStep(line, 'd', 'Cool off'));
    expect(named.nodes[1]!.name).toBe('Cool off');
    expect(graphOf(renameStep(named, 'd', '  ')).nodes[1]).not.toHaveProperty('name');
  });

  it('duplicates a step right after itself with a fresh id', () => {
    const g = graphOf(duplicateStep(line, 'd', testCatalog));
    expect(edgesOf(g)).toEqual(['d-next->delay_1', 'delay_1-next->x', 't-next->d']);
    expect(g.nodes.find((n) => n.id === 'delay_1')!.config).toEqual(line.nodes[1]!.config);
    expect(duplicateStep(line, 'x', testCatalog).ok).toBe(false);
    expect(duplicateStep(line, 't', testCatalog).ok).toBe(false);
  });

  it('picks the smallest free readable id', () => {
    expect(freshNodeId('send', new Set(['send_1', 'send_3']))).toBe('send_2');
  });
});
