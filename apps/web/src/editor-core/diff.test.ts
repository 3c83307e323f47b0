import { describe, expect, it } from 'vitest';
import type { JourneyGraph } from '@wakeflow/journey';
import { describeDiff, diffJourneys } from './diff';
import { canonicalGraph, canonicalSettings } from './fixtures';

describe('diffJourneys', () => {
  it('says "No changes" for the same journey', () => {
    expect(
      describeDiff(
        diffJourneys(
          { graph: canonicalGraph, settings: canonicalSettings },
          { graph: canonicalGraph, settings: canonicalSettings },
        ),
      ),
    ).toEqual(['No changes']);
  });

  it('lists added and removed steps, changed settings and re-wired paths in words', () => {
    const next: JourneyGraph = structuredClone(canonicalGraph);
    const wait = next.nodes.find((n) => n.id === 'wait_return')!;
    wait.config = { ...wait.config, timeout: { amount: 10, unit: 'days' } };
    next.nodes.find((n) => n.id === 'gift_email')!.name = 'Welcome back email';
    next.nodes = next.nodes.filter((n) => n.id !== 'gift_sms');
    next.nodes.push({
      id: 'cool_off',
      type: 'delay',
      config: { mode: 'duration', duration: { amount: 1, unit: 'days' } },
    });
    next.edges = next.edges
      .filter((e) => e.source !== 'gift_sms')
      .map((e) => (e.source === 'gift_email' ? { ...e, target: 'cool_off' } : e));
    next.edges.push({ source: 'cool_off', outcome: 'next', target: 'wait_return' });

    const diff = diffJourneys(
      { graph: canonicalGraph, settings: canonicalSettings },
      { graph: next, settings: { ...canonicalSettings, priority: 8 } },
    );
    expect(diff.added.map((s) => s.id)).toEqual(['cool_off']);
    expect(diff.removed.map((s) => s.id)).toEqual(['gift_sms']);
    expect(diff.changed.map((c) => [c.id, c.fields.map((f) => f.path)])).toEqual([
      ['gift_email', ['name']],
      ['wait_return', ['timeout']],
    ]);
    expect(describeDiff(diff)).toEqual([
      'Added step cool_off (delay)',
      'Removed step “Return gift SMS” (send)',
      'Changed “Welcome back email” (send): name “Return gift email” → “Welcome back email”',
      'Changed wait_return (wait_for_event): timeout 7 days → 10 days',
      'Re-wired gift_email: gift_sms → cool_off',
      'Changed journey setting priority: 5 → 8',
    ]);
  });

  it('reads nested config changes by field path', () => {
    const a: JourneyGraph = {
      nodes: [
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
      edges: [],
    };
    const b: JourneyGraph = {
      nodes: [
        {
          id: 's',
          type: 'split',
          config: {
            arms: [
              { name: 'a', percent: 70 },
              { name: 'b', percent: 30 },
            ],
          },
        },
      ],
      edges: [],
    };
    expect(describeDiff(diffJourneys({ graph: a, settings: {} }, { graph: b, settings: {} }))).toEqual([
      'Changed s (split): arms.0.percent 50 → 70',
      'Changed s (split): arms.1.percent 50 → 30',
    ]);
  });
});
