import { describe, expect, it } from 'vitest';
import { compileJourney, validateJourney } from '@wakeflow/journey';
import { createBuiltinCatalog } from './catalog';
import { journeyTemplates } from './templates';

describe('journey templates', () => {
  const catalog = createBuiltinCatalog();
  for (const template of journeyTemplates) {
    it(`${template.id} validates and compiles against the built-in catalog`, () => {
      const result = validateJourney(template.graph, catalog, {
        templateIds: new Set(template.requires.templates),
        segmentIds: new Set(template.requires.segments),
      });
      expect(result.problems).toEqual([]);
      const plan = compileJourney(template.graph, template.settings, catalog);
      expect(plan.steps[plan.entryStepId]?.op).toBe('entry');
      expect(plan.hash).toMatch(/^[0-9a-f]{64}$/);
    });
  }
});
