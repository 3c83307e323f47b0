import { describe, expect, it } from 'vitest';
import { compileJourney, validateJourney } from '@wakeflow/journey';
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
