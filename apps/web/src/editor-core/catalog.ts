/**
 * What the editor needs to know about node kinds, derived from the API's catalog: a lookup by type and the
 * outcome rule (fixed outcomes, or computed from the config for waits and splits, mirroring @wakeflow/nodes).
 */
import type { GraphNode } from '@wakeflow/journey';
import type { CatalogEntry } from '../api/types';

export type { CatalogEntry };

export interface EditorCatalog {
  entries: readonly CatalogEntry[];
  get(type: string): CatalogEntry | undefined;
}

export function createEditorCatalog(entries: readonly CatalogEntry[]): EditorCatalog {
  const byType = new Map(entries.map((e) => [e.type, e]));
  return { entries, get: (type) => byType.get(type) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/**
 * The named ways out of a step, in display order. Computed outcomes follow the catalog's rule: a wait has one
 * path per event (`outcome ?? event`) plus `timeout`; a split has one per arm. A half-typed config still yields
 * paths, so lanes appear while the manager types.
 */
export function outcomesFor(
  type: string,
  config: Record<string, unknown>,
  entry: CatalogEntry | undefined,
): string[] {
  if (!entry) return ['next'];
  if (entry.role === 'exit') return [];
  if (entry.outcomes) return [...entry.outcomes];
  if (type === 'wait_for_event') {
    const names = records(config.events)
      .map((e) =>
        typeof e.outcome === 'string' && e.outcome ? e.outcome : typeof e.event === 'string' ? e.event : '',
      )
      .map((name, index) => name || `event_${index + 1}`);
    return [...new Set(names), 'timeout'];
  }
  if (type === 'split') {
    const names = records(config.arms).map((a, index) =>
      typeof a.name === 'string' && a.name ? a.name : `arm_${index + 1}`,
    );
    return [...new Set(names)];
  }
  // A custom kind with computed outcomes the editor cannot know: its config decides, the API's validate checks.
  return ['next'];
}

export function nodeOutcomes(node: GraphNode, catalog: EditorCatalog): string[] {
  return outcomesFor(node.type, node.config, catalog.get(node.type));
}

export function roleOf(node: Pick<GraphNode, 'type'>, catalog: EditorCatalog): CatalogEntry['role'] {
  return catalog.get(node.type)?.role ?? 'step';
}
