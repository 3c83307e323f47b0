import { describe, expect, it } from 'vitest';
import { capAllowance, defaultChannelSettings } from '@wakeflow/channels';
import { compileJourney, validateJourney, type JourneyGraphInput } from '@wakeflow/journey';
import { createCatalog, journeyTemplates } from './index';

describe('journey templates offered in the editor', () => {
  const catalog = createCatalog();

  it('offers the canonical journey and the DOMAIN templates', () => {
    expect(journeyTemplates.map((t) => t.id)).toEqual(
      expect.arrayContaining([
        'win-back-30d',
        'graded-coupons-by-dormancy',
        'birthday-month',
        'churn-risk-care',
        'membership-tiers',
      ]),
    );
    expect(new Set(journeyTemplates.map((t) => t.id)).size).toBe(journeyTemplates.length);
  });

  it.each(journeyTemplates.map((t) => [t.id, t] as const))(
    '%s validates and compiles against the installation’s catalog',
    (_id, template) => {
      const result = validateJourney(template.graph, catalog, {
        templateIds: new Set(template.requires.templates),
        segmentIds: new Set(template.requires.segments),
      });
      expect(result.problems).toEqual([]);
      expect(compileJourney(template.graph, template.settings, catalog).hash).toMatch(/^[0-9a-f]{64}$/);
    },
  );
});

/** The most send steps a customer can meet on one path from the trigger (a bound on what one run sends). */
function mostSendsOnAPath(graph: JourneyGraphInput): number {
  const next = new Map<string, string[]>();
  for (const e of graph.edges) next.set(e.source, [...(next.get(e.source) ?? []), e.target]);
  const kindOf = new Map(graph.nodes.map((n) => [n.id, n.type]));
  const walk = (id: string, seen: ReadonlySet<string>): number => {
    if (seen.has(id)) return 0;
    const own = kindOf.get(id) === 'send' ? 1 : 0;
    const after = (next.get(id) ?? []).map((t) => walk(t, new Set([...seen, id])));
    return own + Math.max(0, ...after);
  };
  const targets = new Set(graph.edges.map((e) => e.target));
  return Math.max(0, ...graph.nodes.filter((n) => !targets.has(n.id)).map((n) => walk(n.id, new Set())));
}

describe('templates under the default messaging rules', () => {
  it.each(journeyTemplates.map((t) => [t.id, t] as const))(
    '%s sends every step of its longest path within the default frequency cap',
    (_id, template) => {
      const priority = template.settings?.priority ?? 5;
      expect(mostSendsOnAPath(template.graph)).toBeLessThanOrEqual(
        capAllowance(priority, defaultChannelSettings.frequencyCap),
      );
    },
  );

  it('counts the canonical win-back’s two waves of email + SMS', () => {
    const canonical = journeyTemplates.find((t) => t.id === 'win-back-30d')!;
    expect(mostSendsOnAPath(canonical.graph)).toBe(4);
  });
});
