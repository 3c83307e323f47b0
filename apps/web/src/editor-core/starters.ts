/**
 * The config a new step starts with: a sensible starting point for the built-in kinds (a 50/50 split, a 1-day
 * delay, a 7-day wait), the schema's defaults for everything else, including custom kinds.
 */
import type { GraphNode, JourneyGraph } from '@wakeflow/journey';
import type { CatalogEntry } from '../api/types';
import { asJsonSchema, defaultValue, isRecord } from '../schema-form/json-schema';
import { freshNodeId, nodeIds } from './graph-ops';

const starters: Record<string, () => Record<string, unknown>> = {
  delay: () => ({ mode: 'duration', duration: { amount: 1, unit: 'days' } }),
  wait_for_event: () => ({ events: [{ event: '' }], timeout: { amount: 7, unit: 'days' } }),
  split: () => ({
    arms: [
      { name: 'a', percent: 50 },
      { name: 'b', percent: 50 },
    ],
  }),
  branch: () => ({
    condition: { kind: 'event', event: '', window: { type: 'since_entry' }, count: { op: 'gte', value: 1 } },
  }),
  send: () => ({ channel: 'email', templateId: '' }),
  exit: () => ({ outcome: 'completed' }),
};

export function starterConfig(entry: CatalogEntry): Record<string, unknown> {
  const starter = starters[entry.type];
  if (starter) return starter();
  const value = defaultValue(asJsonSchema(entry.configSchema));
  return isRecord(value) ? value : {};
}

export function newStep(entry: CatalogEntry, graph: JourneyGraph): GraphNode {
  return { id: freshNodeId(entry.type, nodeIds(graph)), type: entry.type, config: starterConfig(entry) };
}
