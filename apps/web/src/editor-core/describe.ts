/**
 * Steps and paths in the manager's words, from each kind's own definition: the card line ("Wait up to 7 days for
 * login or purchase"), the path label ("Not within 7 days"), the step's title (its name, else the kind's label).
 * The canvas, problems, run views, diffs and accessible names all call these, so a word is written once.
 */
import { durationSchema, formatDuration, type GraphNode, type JourneyGraph } from '@wakeflow/journey';
import { humanize, type NameLookups } from '@wakeflow/nodes/spec';
import type { EditorCatalog } from './catalog';

/** Names for ids the canvas shows, from the API's segment and template lists. */
export type DescribeLookups = NameLookups;

/** One line in words for a step's card; for a half-filled config, what is still missing. */
export function describeStep(node: GraphNode, catalog: EditorCatalog, lookups: DescribeLookups = {}): string {
  const kind = catalog.kind(node.type);
  if (kind) return kind.summarize(node.config, lookups);
  // A kind only the API knows: its key settings.
  const settings = Object.entries(node.config)
    .filter(([, v]) => v !== null && typeof v !== 'object')
    .slice(0, 3)
    .map(([k, v]) => `${humanize(k)}: ${String(v)}`);
  return settings.length ? settings.join(' · ') : (catalog.get(node.type)?.palette.description ?? node.type);
}

/** The label of a path: the kind's words for it ("Yes", "Not within 7 days", "a · 50%"). */
export function outcomeLabel(
  node: Pick<GraphNode, 'type' | 'config'>,
  outcome: string,
  catalog: EditorCatalog,
): string {
  return catalog.kind(node.type)?.outcomeLabel(outcome, node.config) ?? humanize(outcome);
}

/** The label on an outcome lane, or undefined for the plain `next` path. */
export function laneLabel(node: GraphNode, outcome: string, catalog: EditorCatalog): string | undefined {
  return outcome === 'next' ? undefined : outcomeLabel(node, outcome, catalog);
}

/** The kind's label ("Wait for event"), else its type. */
export function kindLabel(type: string, catalog: EditorCatalog): string {
  return catalog.get(type)?.palette.label ?? catalog.kind(type)?.palette.label ?? type;
}

/** The title on a step's card: its name, else the kind's palette label. */
export function stepTitle(node: GraphNode, catalog: EditorCatalog): string {
  return node.name?.trim() || kindLabel(node.type, catalog);
}

/** A step's title by id in a graph, or the id when the step is gone (an old run's step removed since). */
export function stepTitleById(
  graph: JourneyGraph | undefined,
  catalog: EditorCatalog | undefined,
  id: string,
): string {
  const node = graph?.nodes.find((n) => n.id === id);
  return node && catalog ? stepTitle(node, catalog) : id;
}

/** A duration `{amount, unit}` in words ("7 days"), or undefined for anything else. */
export function formatDurationWords(value: unknown): string | undefined {
  const duration = durationSchema.safeParse(value);
  return duration.success ? formatDuration(duration.data) : undefined;
}
