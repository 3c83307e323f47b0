import { describe, expect, it } from 'vitest';
import type { JourneyGraph } from '@wakeflow/journey';
import { describeDiff, diffJourneys, diffWords, type VersionContent } from './diff';
import { canonicalGraph, canonicalSettings, testCatalog } from './fixtures';

const wordsOf = (from: VersionContent, to: VersionContent): string[] =>
  describeDiff(diffJourneys(from, to), diffWords(from, to, testCatalog));

describe('diffJourneys', () => {
  it('says "No changes" for the same journey', () => {
    expect(
      wordsOf(
        { graph: canonicalGraph, settings: canonicalSettings },
        { graph: canonicalGraph, settings: canonicalSettings },
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

    const from = { graph: canonicalGraph, settings: canonicalSettings };
    const to = { graph: next, settings: { ...canonicalSettings, priority: 8 } };
    const diff = diffJourneys(from, to);
    expect(diff.added.map((s) => s.id)).toEqual(['cool_off']);
    expect(diff.removed.map((s) => s.id)).toEqual(['gift_sms']);
    expect(diff.changed.map((c) => [c.id, c.fields.map((f) => f.path)])).toEqual([
      ['gift_email', ['name']],
      ['wait_return', ['timeout']],
    ]);
    // Step names and kind labels as the canvas shows them, never ids or kind names.
    expect(describeDiff(diff, diffWords(from, to, testCatalog))).toEqual([
      'Added step “Delay”',
      'Removed step “Return gift SMS” (Send message)',
      'Changed “Welcome back email” (Send message): Name “Return gift email” → “Welcome back email”',
      'Changed “Wait for event”: Wait at most 7 days → 10 days',
      'Re-wired “Welcome back email”: “Return gift SMS” → “Delay”',
      'Changed journey setting Priority (1–10): 5 → 8',
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
    expect(wordsOf({ graph: a, settings: {} }, { graph: b, settings: {} })).toEqual([
      'Changed “Random split”: Arms › 1 › Share (%) 50 → 70',
      'Changed “Random split”: Arms › 2 › Share (%) 50 → 30',
    ]);
  });
});
