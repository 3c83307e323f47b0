/**
 * Validation of journey graphs against the built-in catalog: every problem a campaign manager can make, each
 * reported on the right step and field.
 */
import { describe, expect, it } from 'vitest';
import {
  JourneyInvalidError,
  compileJourney,
  validateJourney,
  type JourneyGraphInput,
} from '@wakeflow/journey';
import { z } from 'zod';
import { createBuiltinCatalog } from './catalog';
import { defineNode } from './define-node';

const catalog = createBuiltinCatalog();

const base = (): JourneyGraphInput => ({
  nodes: [
    { id: 't', type: 'event_trigger', config: { event: 'signup' } },
    { id: 'd', type: 'delay', config: { mode: 'duration', duration: { amount: 3, unit: 'days' } } },
    { id: 's', type: 'send', config: { channel: 'email', templateId: 'welcome' } },
    { id: 'x', type: 'exit', config: { outcome: 'done' } },
  ],
  edges: [
    { source: 't', outcome: 'next', target: 'd' },
    { source: 'd', outcome: 'next', target: 's' },
    { source: 's', outcome: 'next', target: 'x' },
  ],
});

function problems(graph: unknown, context = {}) {
  return validateJourney(graph, catalog, context).problems.map((p) => ({
    code: p.code,
    nodeId: p.nodeId,
    path: p.path,
  }));
}

describe('validateJourney', () => {
  it('accepts a valid journey', () => {
    expect(problems(base())).toEqual([]);
  });

  it('reports a journey without a trigger', () => {
    const g = base();
    g.nodes = g.nodes.filter((n) => n.id !== 't');
    g.edges = g.edges.filter((e) => e.source !== 't');
    expect(problems(g)).toContainEqual({ code: 'no_trigger', nodeId: undefined, path: 'nodes' });
  });

  it('reports a second trigger', () => {
    const g = base();
    g.nodes.push({ id: 't2', type: 'api_trigger', config: {} });
    g.edges.push({ source: 't2', outcome: 'next', target: 'd' });
    expect(problems(g)).toContainEqual({ code: 'multiple_triggers', nodeId: 't2', path: 'type' });
  });

  it('reports an unknown node kind', () => {
    const g = base();
    g.nodes[2] = { id: 's', type: 'fax', config: {} };
    expect(problems(g)).toContainEqual({ code: 'unknown_node_type', nodeId: 's', path: 'type' });
  });

  it.each([
    [{ mode: 'duration', duration: { amount: 0, unit: 'days' } }, 'config.duration.amount'],
    [{ mode: 'duration', duration: { amount: 2.5, unit: 'days' } }, 'config.duration.amount'],
    [{ mode: 'duration', duration: { amount: 3, unit: 'fortnights' } }, 'config.duration.unit'],
    [{ mode: 'duration', duration: { amount: 900, unit: 'days' } }, 'config.duration.amount'],
    [{ mode: 'local_time', time: '25:00' }, 'config.time'],
    [{ mode: 'local_time', time: '20:00', weekdays: [] }, 'config.weekdays'],
  ])('reports a bad delay %j at %s', (config, path) => {
    const g = base();
    g.nodes[1] = { id: 'd', type: 'delay', config };
    expect(problems(g)).toContainEqual({ code: 'invalid_config', nodeId: 'd', path });
  });

  it('reports a send without a template and with an unknown channel', () => {
    const g = base();
    g.nodes[2] = { id: 's', type: 'send', config: { channel: 'fax', templateId: '' } };
    const found = problems(g);
    expect(found).toContainEqual({ code: 'invalid_config', nodeId: 's', path: 'config.channel' });
    expect(found).toContainEqual({ code: 'invalid_config', nodeId: 's', path: 'config.templateId' });
  });

  it('reports an unknown template and segment when the workspace is known', () => {
    const g = base();
    g.nodes[0] = { id: 't', type: 'audience_trigger', config: { segmentId: 'ghosts' } };
    const found = problems(g, { templateIds: new Set(['other']), segmentIds: new Set(['dormant']) });
    expect(found).toContainEqual({ code: 'unknown_template', nodeId: 's', path: 'config.templateId' });
    expect(found).toContainEqual({ code: 'unknown_segment', nodeId: 't', path: 'config.segmentId' });
  });

  it('reports an unknown coupon pool when the workspace is known', () => {
    const spec = defineNode({
      type: 'pool_user',
      version: 1,
      config: z.object({ poolId: z.string() }),
      palette: {
        label: 'Pool user',
        description: 'Uses a pool',
        icon: 'ticket',
        category: 'data',
        color: '#000',
      },
      outcomes: ['next'],
      describe: () => 'Uses a pool',
      references: (c) => ({ couponPoolIds: [c.poolId] }),
      activity: { run: async () => ({ outcome: 'next' }) },
    });
    const withPool = createBuiltinCatalog([spec]);
    const g = base();
    g.nodes[1] = { id: 's', type: 'pool_user', config: { poolId: 'gone' } };
    const found = validateJourney(g, withPool, { couponPoolIds: new Set(['wb20']) }).problems;
    expect(found).toContainEqual(
      expect.objectContaining({
        code: 'unknown_coupon_pool',
        nodeId: 's',
        message: 'Coupon pool “gone” does not exist',
      }),
    );
    expect(validateJourney(g, withPool, { couponPoolIds: new Set(['gone']) }).problems).not.toContainEqual(
      expect.objectContaining({ code: 'unknown_coupon_pool' }),
    );
  });

  it('reports a dangling outcome with the step and the path', () => {
    const g = base();
    g.edges = g.edges.filter((e) => e.source !== 's');
    g.nodes = g.nodes.filter((n) => n.id !== 'x');
    const result = validateJourney(g, catalog);
    const problem = result.problems.find((p) => p.code === 'dangling_outcome');
    expect(problem).toMatchObject({ nodeId: 's', path: 'outcomes.next' });
    expect(problem?.message).toMatch(/leads nowhere/);
  });

  it('reports each unconnected path of a wait, by name', () => {
    const g = base();
    g.nodes[1] = {
      id: 'd',
      type: 'wait_for_event',
      config: { events: [{ event: 'login' }], timeout: { amount: 7, unit: 'days' } },
    };
    g.edges[1] = { source: 'd', outcome: 'login', target: 's' };
    expect(problems(g)).toContainEqual({ code: 'dangling_outcome', nodeId: 'd', path: 'outcomes.timeout' });
  });

  it('reports an edge from an outcome the step does not have', () => {
    const g = base();
    g.edges[1] = { source: 'd', outcome: 'yes', target: 's' };
    expect(problems(g)).toContainEqual({ code: 'unknown_outcome', nodeId: 'd', path: 'edges.1.outcome' });
  });

  it('reports an edge to a missing step', () => {
    const g = base();
    g.edges[2] = { source: 's', outcome: 'next', target: 'nowhere' };
    expect(problems(g)).toContainEqual({
      code: 'unknown_edge_endpoint',
      nodeId: 's',
      path: 'edges.2.target',
    });
  });

  it('reports the same path connected twice', () => {
    const g = base();
    g.edges.push({ source: 's', outcome: 'next', target: 'd' });
    expect(problems(g)).toContainEqual({ code: 'duplicate_edge', nodeId: 's', path: 'edges.3' });
  });

  it('reports an unreachable step', () => {
    const g = base();
    g.nodes.push({ id: 'lonely', type: 'exit', config: {} });
    expect(problems(g)).toContainEqual({ code: 'unreachable', nodeId: 'lonely', path: 'edges' });
  });

  it('reports a cycle', () => {
    const g = base();
    g.nodes[3] = {
      id: 'x',
      type: 'delay',
      config: { mode: 'duration', duration: { amount: 1, unit: 'days' } },
    };
    g.edges.push({ source: 'x', outcome: 'next', target: 'd' });
    expect(problems(g)).toContainEqual({ code: 'cycle', nodeId: 'd', path: 'edges' });
  });

  it('reports edges into the trigger and out of an exit', () => {
    const g = base();
    g.edges.push({ source: 'x', outcome: 'next', target: 't' });
    const found = problems(g).map((p) => p.code);
    expect(found).toContain('edge_from_exit');
  });

  it('reports split percentages that do not add up and duplicate arm names', () => {
    const g = base();
    g.nodes[1] = {
      id: 'd',
      type: 'split',
      config: {
        arms: [
          { name: 'a', percent: 50 },
          { name: 'a', percent: 30 },
        ],
      },
    };
    const found = problems(g);
    expect(found).toContainEqual({ code: 'invalid_config', nodeId: 'd', path: 'config.arms' });
    expect(found).toContainEqual({ code: 'invalid_config', nodeId: 'd', path: 'config.arms.1.name' });
  });

  it('reports a condition branch with an empty AND', () => {
    const g = base();
    g.nodes[1] = { id: 'd', type: 'branch', config: { condition: { kind: 'and', conditions: [] } } };
    expect(problems(g)).toContainEqual({
      code: 'invalid_config',
      nodeId: 'd',
      path: 'config.condition.conditions',
    });
  });

  it('reports duplicate step ids and malformed graphs', () => {
    const g = base();
    g.nodes.push({ id: 'd', type: 'exit', config: {} });
    expect(problems(g)).toContainEqual({ code: 'duplicate_node_id', nodeId: 'd', path: 'nodes.4.id' });
    expect(problems({ nodes: 'nope' })[0]).toMatchObject({ code: 'invalid_graph', path: 'nodes' });
    expect(problems({ nodes: [{ id: 'bad id!', type: 'exit' }], edges: [] })[0]).toMatchObject({
      code: 'invalid_graph',
      path: 'nodes.0.id',
    });
  });

  it('reports settings problems: a holdout of 100% and a bad goal', () => {
    const result = validateJourney(base(), catalog, {}, { holdoutPercent: 100, goal: { event: '' } });
    expect(result.problems.map((p) => p.path)).toEqual(
      expect.arrayContaining(['settings.holdoutPercent', 'settings.goal.event']),
    );
  });

  it('returns every problem at once', () => {
    const g = base();
    g.nodes[1] = { id: 'd', type: 'delay', config: {} };
    g.nodes[2] = { id: 's', type: 'send', config: {} };
    g.nodes.push({ id: 'lonely', type: 'exit', config: {} });
    expect(problems(g).length).toBeGreaterThanOrEqual(3);
  });
});

describe('compileJourney', () => {
  it('refuses an invalid graph with all its problems', () => {
    const g = base();
    g.edges.pop();
    expect(() => compileJourney(g, {}, catalog)).toThrow(JourneyInvalidError);
  });

  it('compiles to a plan whose hash does not depend on node order', () => {
    const a = compileJourney(base(), {}, catalog);
    const reordered = base();
    reordered.nodes.reverse();
    reordered.edges.reverse();
    const b = compileJourney(reordered, {}, catalog);
    expect(b.hash).toBe(a.hash);
    expect(Object.isFrozen(a)).toBe(true);
    expect(a.steps.d).toMatchObject({ op: 'sleep', ms: 3 * 86_400_000, next: { next: 's' } });
    expect(a.steps.s).toMatchObject({ op: 'activity', nodeType: 'send', nodeVersion: 1, sendsMessage: true });
    expect(a.nodeVersions).toEqual({ event_trigger: 1, delay: 1, send: 1, exit: 1 });
  });

  it('changes the hash when a setting changes', () => {
    const a = compileJourney(base(), {}, catalog);
    const b = compileJourney(base(), { holdoutPercent: 10 }, catalog);
    expect(b.hash).not.toBe(a.hash);
  });

  it('compiles waits with their outcomes and correlation keys', () => {
    const g = base();
    g.nodes[1] = {
      id: 'd',
      type: 'wait_for_event',
      config: {
        events: [{ event: 'order_paid', correlationKey: 'order_id', outcome: 'paid' }],
        timeout: { amount: 2, unit: 'hours' },
      },
    };
    g.edges[1] = { source: 'd', outcome: 'paid', target: 's' };
    g.nodes.push({ id: 'late', type: 'exit', config: { outcome: 'unpaid' } });
    g.edges.push({ source: 'd', outcome: 'timeout', target: 'late' });
    const plan = compileJourney(g, {}, catalog);
    expect(plan.steps.d).toMatchObject({
      op: 'wait',
      timeoutMs: 7_200_000,
      timeoutOutcome: 'timeout',
      events: [{ event: 'order_paid', outcome: 'paid', correlationKey: 'order_id' }],
      next: { paid: 's', timeout: 'late' },
    });
  });
});
