/**
 * The config a new step starts with: the kind's own starter (a 50/50 split, a 1-day delay, a 7-day wait — declared
 * in its definition), else the schema's defaults, as for a kind only the API knows.
 */
import type { GraphNode, JourneyGraph } from '@wakeflow/journey';
import type { NodeKind } from '@wakeflow/nodes/spec';
import type { CatalogEntry } from '../api/types';
import { asJsonSchema, defaultValue, isRecord } from '../schema-form/json-schema';
import { freshNodeId, nodeIds } from './graph-ops';

export function starterConfig(entry: CatalogEntry, kind?: NodeKind): Record<string, unknown> {
  const starter = kind?.definition.starter?.();
  if (starter) return starter;
  const value = defaultValue(asJsonSchema(entry.configSchema));
  return isRecord(value) ? value : {};
}

export function newStep(entry: CatalogEntry, graph: JourneyGraph, kind?: NodeKind): GraphNode {
  return {
    id: freshNodeId(entry.type, nodeIds(graph)),
    type: entry.type,
    config: starterConfig(entry, kind),
  };
}
