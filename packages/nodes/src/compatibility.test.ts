/**
 * Breaking node changes against published plans: a plan compiled with one catalog is checked against a later one
 * where a kind disappeared, is older than the plan needs, or changed its config schema — with and without a
 * version bump and `migrateConfig`.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileJourney, type JourneyGraphInput, type Plan } from '@wakeflow/journey';
import { builtinNodes } from './builtin-kinds';
import { NodeCatalog } from './catalog';
import { checkPlanCompatibility } from './compatibility';
import { defineNode, type NodeKind } from './define-node';

const palette = {
  label: 'Greet',
  description: 'Greets',
  icon: 'hand',
  category: 'custom',
  color: '#000',
} as const;
const noop = { run: async () => ({ outcome: 'next' }) };

/** v1 of a custom kind: `{ text }`. */
const greetV1 = defineNode({
  type: 'greet',
  version: 1,
  config: z.object({ text: z.string().min(1) }),
  palette,
  outcomes: ['next'],
  describe: (c) => c.text,
  activity: noop,
});

const catalogWith = (...kinds: NodeKind[]) => new NodeCatalog([...builtinNodes, ...kinds]);

const graph: JourneyGraphInput = {
  nodes: [
    { id: 't', type: 'event_trigger', config: { event: 'signup' } },
    { id: 'wait', type: 'delay', config: { mode: 'duration', duration: { amount: 1, unit: 'days' } } },
    { id: 'hello', type: 'greet', name: 'Say hello', config: { text: 'Hi' } },
    { id: 'x', type: 'exit', config: { outcome: 'done' } },
  ],
  edges: [
    { source: 't', target: 'wait' },
    { source: 'wait', target: 'hello' },
    { source: 'hello', target: 'x' },
  ],
};
const plan: Plan = compileJourney(graph, {}, catalogWith(greetV1));

describe('checkPlanCompatibility', () => {
  it('accepts the catalog the plan was compiled with, and additive changes', () => {
    expect(plan.nodeVersions.greet).toBe(1);
    expect(checkPlanCompatibility(plan, catalogWith(greetV1))).toEqual([]);
    const additive = defineNode({
      ...greetV1.definition,
      version: 2,
      config: z.object({ text: z.string().min(1), emoji: z.boolean().default(false) }),
    });
    expect(checkPlanCompatibility(plan, catalogWith(additive))).toEqual([]);
  });

  it('reports a kind the catalog no longer has, for activity and interpreter steps alike', () => {
    const withoutDelay = new NodeCatalog([...builtinNodes.filter((k) => k.type !== 'delay')]);
    expect(checkPlanCompatibility(plan, withoutDelay)).toEqual([
      expect.objectContaining({
        code: 'unknown_node_type',
        stepId: 'hello',
        nodeType: 'greet',
        planVersion: 1,
        catalogVersion: null,
      }),
      expect.objectContaining({ code: 'unknown_node_type', stepId: 'wait', nodeType: 'delay' }),
    ]);
    expect(checkPlanCompatibility(plan, withoutDelay)[0]!.message).toBe(
      'Step hello (“Say hello”) uses node kind “greet” v1, which this catalog does not have: register it again or move runs off the plan',
    );
  });

  it('reports a catalog older than the plan', () => {
    const greetV2 = defineNode({ ...greetV1.definition, version: 2 });
    const planV2 = compileJourney(graph, {}, catalogWith(greetV2));
    expect(checkPlanCompatibility(planV2, catalogWith(greetV1))).toEqual([
      {
        code: 'node_version_too_new',
        stepId: 'hello',
        nodeType: 'greet',
        planVersion: 2,
        catalogVersion: 1,
        message:
          'Step hello (“Say hello”) needs “greet” v2, but this catalog has v1: deploy the newer node before the plan',
      },
    ]);
  });

  it('reports a breaking schema change, naming step, kind, field and cause', () => {
    const renamed = z.object({ message: z.string().min(1, 'Enter a message') });
    const bumped = defineNode({
      type: 'greet',
      palette,
      outcomes: ['next'],
      activity: noop,
      version: 2,
      config: renamed,
      describe: (c) => c.message,
    });
    expect(checkPlanCompatibility(plan, catalogWith(bumped))).toEqual([
      {
        code: 'config_incompatible',
        stepId: 'hello',
        nodeType: 'greet',
        planVersion: 1,
        catalogVersion: 2,
        path: 'message',
        message:
          'Step hello (“Say hello”): its “greet” v1 config no longer parses — message: Invalid input: expected string, received undefined (v2 does not accept it and has no migrateConfig)',
      },
    ]);
    const unbumped = defineNode({
      type: 'greet',
      palette,
      outcomes: ['next'],
      activity: noop,
      version: 1,
      config: renamed,
      describe: (c) => c.message,
    });
    expect(checkPlanCompatibility(plan, catalogWith(unbumped))[0]!.message).toMatch(
      /the schema of v1 changed without a version bump/,
    );
  });

  it('accepts a breaking change whose migrateConfig turns old configs into new ones', () => {
    const migrated = defineNode({
      type: 'greet',
      palette,
      activity: noop,
      outcomes: ['next'],
      version: 2,
      config: z.object({ message: z.string().min(1) }),
      describe: (c) => c.message,
      migrateConfig: (from, config) => (from < 2 ? { message: config.text } : config),
    });
    expect(checkPlanCompatibility(plan, catalogWith(migrated))).toEqual([]);
    expect(migrated.readStoredConfig({ text: 'Hi' }, 1)).toEqual({
      success: true,
      config: { message: 'Hi' },
    });
    // Configs already at the current version are not migrated again.
    expect(migrated.readStoredConfig({ text: 'Hi' }, 2)).toMatchObject({ success: false, path: 'message' });
  });

  it('reports a migrateConfig that throws', () => {
    const failing = defineNode({
      ...greetV1.definition,
      version: 2,
      migrateConfig: () => {
        throw new Error('no idea what v1 meant');
      },
    });
    const [problem] = checkPlanCompatibility(plan, catalogWith(failing));
    expect(problem).toMatchObject({ code: 'config_incompatible', stepId: 'hello' });
    expect(problem!.message).toContain('migrating from version 1 failed: no idea what v1 meant');
    expect(problem!.message).toContain('even after migrateConfig');
  });

  it('checks the trigger’s stored config', () => {
    const eventTrigger = builtinNodes.find((k) => k.type === 'event_trigger')!;
    const stricter = defineNode({
      ...eventTrigger.definition,
      config: z.object({ event: z.string(), channel: z.enum(['web', 'app']) }),
    });
    const catalog = new NodeCatalog([...builtinNodes.filter((k) => k !== eventTrigger), stricter, greetV1]);
    expect(checkPlanCompatibility(plan, catalog)).toEqual([
      expect.objectContaining({
        code: 'config_incompatible',
        stepId: 't',
        nodeType: 'event_trigger',
        path: 'channel',
      }),
    ]);
  });
});
