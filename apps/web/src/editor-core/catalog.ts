/**
 * What the editor knows about node kinds: the API's catalog (palette, forms, what this installation runs) joined
 * with each kind's own definition (`@wakeflow/nodes/spec`) for outcomes and words. No kind is special-cased here;
 * a kind the web app has no definition for (registered only server-side) gets its fixed outcomes from the API.
 */
import type { GraphNode } from '@wakeflow/journey';
import type { NodeKind } from '@wakeflow/nodes/spec';
import type { CatalogEntry } from '../api/types';
import { installedNodeKinds } from './installed-kinds';

export type { CatalogEntry };

export interface NodeKindLookup {
  get(type: string): NodeKind | undefined;
}

export interface EditorCatalog {
  entries: readonly CatalogEntry[];
  get(type: string): CatalogEntry | undefined;
  /** The kind's definition, when the web app has it. */
  kind(type: string): NodeKind | undefined;
}

export function createEditorCatalog(
  entries: readonly CatalogEntry[],
  kinds: NodeKindLookup = installedNodeKinds,
): EditorCatalog {
  const byType = new Map(entries.map((e) => [e.type, e]));
  return { entries, get: (type) => byType.get(type), kind: (type) => kinds.get(type) };
}

/**
 * The named ways out of a step, in display order, from the kind's definition: exact for a valid config, and
 * for a half-typed one the kind's draft rule (a wait gets a lane per event typed so far), so lanes appear while
 * the manager types.
 */
export function nodeOutcomes(node: Pick<GraphNode, 'type' | 'config'>, catalog: EditorCatalog): string[] {
  const kind = catalog.kind(node.type);
  if (kind) return kind.draftOutcomes(node.config);
  const entry = catalog.get(node.type);
  if (!entry) return ['next'];
  if (entry.role === 'exit') return [];
  return entry.outcomes ? [...entry.outcomes] : ['next'];
}

export function roleOf(node: Pick<GraphNode, 'type'>, catalog: EditorCatalog): CatalogEntry['role'] {
  return catalog.get(node.type)?.role ?? catalog.kind(node.type)?.role ?? 'step';
}
