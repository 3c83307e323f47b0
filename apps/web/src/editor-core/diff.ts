/**
 * What changed between two versions of a journey, in words a reviewer reads: steps added and removed, settings
 * changed per step (by field), paths re-wired, journey settings changed. Pure, so history views and tests agree.
 */
import type { GraphNode, JourneyGraph } from '@wakeflow/journey';
import { fieldLabel } from '../schema-form/labels';
import type { EditorCatalog } from './catalog';
import { formatDurationWords, kindLabel, outcomeLabel, stepTitle } from './describe';

export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

export interface StepRef {
  id: string;
  type: string;
  name?: string;
}

export interface StepChange extends StepRef {
  fields: FieldChange[];
}

export interface PathChange {
  source: string;
  outcome: string;
  before?: string;
  after?: string;
}

export interface JourneyDiff {
  added: StepRef[];
  removed: StepRef[];
  changed: StepChange[];
  paths: PathChange[];
  settings: FieldChange[];
}

export interface VersionContent {
  graph: JourneyGraph;
  settings: unknown;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Leaf values by dotted path; a duration `{amount, unit}` counts as one leaf so it reads "7 days → 10 days". */
function flatten(value: unknown, prefix: string, out: Map<string, unknown>): Map<string, unknown> {
  if (isPlainObject(value) && !formatDurationWords(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
    if (Object.keys(value).length === 0 && prefix) out.set(prefix, value);
  } else if (Array.isArray(value) && value.some((v) => isPlainObject(v) || Array.isArray(v))) {
    value.forEach((v, i) => flatten(v, `${prefix}.${i}`, out));
    if (value.length === 0) out.set(prefix, value);
  } else {
    out.set(prefix, value);
  }
  return out;
}

function fieldChanges(before: unknown, after: unknown, prefix = ''): FieldChange[] {
  const a = flatten(before, prefix, new Map());
  const b = flatten(after, prefix, new Map());
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  return paths
    .filter((p) => JSON.stringify(a.get(p)) !== JSON.stringify(b.get(p)))
    .map((p) => ({ path: p, before: a.get(p), after: b.get(p) }));
}

function ref(node: GraphNode): StepRef {
  return { id: node.id, type: node.type, ...(node.name ? { name: node.name } : {}) };
}

export function diffJourneys(from: VersionContent, to: VersionContent): JourneyDiff {
  const before = new Map(from.graph.nodes.map((n) => [n.id, n]));
  const after = new Map(to.graph.nodes.map((n) => [n.id, n]));
  const added = to.graph.nodes.filter((n) => !before.has(n.id)).map(ref);
  const removed = from.graph.nodes.filter((n) => !after.has(n.id)).map(ref);
  const changed: StepChange[] = [];
  for (const node of to.graph.nodes) {
    const old = before.get(node.id);
    if (!old) continue;
    const fields = [
      ...(old.type !== node.type ? [{ path: 'kind', before: old.type, after: node.type }] : []),
      ...((old.name ?? '') !== (node.name ?? '')
        ? [{ path: 'name', before: old.name, after: node.name }]
        : []),
      ...fieldChanges(old.config, node.config),
    ];
    if (fields.length) changed.push({ ...ref(node), fields });
  }
  const key = (e: { source: string; outcome: string }): string => `${e.source}\u0000${e.outcome}`;
  const edgesBefore = new Map(from.graph.edges.map((e) => [key(e), e.target]));
  const edgesAfter = new Map(to.graph.edges.map((e) => [key(e), e.target]));
  const paths: PathChange[] = [];
  for (const k of [...new Set([...edgesBefore.keys(), ...edgesAfter.keys()])].sort()) {
    const [source, outcome] = k.split('\u0000') as [string, string];
    const b = edgesBefore.get(k);
    const a = edgesAfter.get(k);
    // Paths of added or removed steps are implied by the step itself; only re-wiring of kept steps is news.
    if (b === a || !before.has(source) || !after.has(source)) continue;
    paths.push({
      source,
      outcome,
      ...(b !== undefined ? { before: b } : {}),
      ...(a !== undefined ? { after: a } : {}),
    });
  }
  return { added, removed, changed, paths, settings: fieldChanges(from.settings, to.settings) };
}

export function formatValue(value: unknown): string {
  if (value === undefined) return '(not set)';
  if (typeof value === 'string') return value === '' ? '(empty)' : `“${value}”`;
  const duration = formatDurationWords(value);
  if (duration) return duration;
  return JSON.stringify(value);
}

/** The names a diff is read in: step titles, kind labels and path words, as the canvas shows them. */
export interface DiffWords {
  kindLabel(type: string): string;
  /** The step's title, from the newer version, else the older one (a removed step). */
  stepTitle(id: string): string;
  pathLabel(source: string, outcome: string): string;
}

export function diffWords(from: VersionContent, to: VersionContent, catalog: EditorCatalog): DiffWords {
  const nodes = new Map<string, GraphNode>([
    ...from.graph.nodes.map((n): [string, GraphNode] => [n.id, n]),
    ...to.graph.nodes.map((n): [string, GraphNode] => [n.id, n]),
  ]);
  return {
    kindLabel: (type) => kindLabel(type, catalog),
    stepTitle: (id) => {
      const node = nodes.get(id);
      return node ? stepTitle(node, catalog) : id;
    },
    pathLabel: (source, outcome) => {
      const node = nodes.get(source);
      return node ? outcomeLabel(node, outcome, catalog) : outcome;
    },
  };
}

/** `arms.0.percent` → "Arms › 1 › Share (%)". */
function fieldPathWords(path: string): string {
  return path
    .split('.')
    .map((part) => (/^\d+$/.test(part) ? String(Number(part) + 1) : fieldLabel(part)))
    .join(' › ');
}

/** The diff as sentences, one per change, in a stable order. */
export function describeDiff(diff: JourneyDiff, words: DiffWords): string[] {
  const stepLabel = (step: StepRef): string =>
    step.name ? `“${step.name}” (${words.kindLabel(step.type)})` : `“${words.kindLabel(step.type)}”`;
  const title = (id: string): string => `“${words.stepTitle(id)}”`;
  const lines: string[] = [];
  for (const s of diff.added) lines.push(`Added step ${stepLabel(s)}`);
  for (const s of diff.removed) lines.push(`Removed step ${stepLabel(s)}`);
  for (const s of diff.changed) {
    for (const f of s.fields) {
      const [before, after] =
        f.path === 'kind'
          ? [words.kindLabel(String(f.before)), words.kindLabel(String(f.after))]
          : [formatValue(f.before), formatValue(f.after)];
      lines.push(`Changed ${stepLabel(s)}: ${fieldPathWords(f.path)} ${before} → ${after}`);
    }
  }
  for (const p of diff.paths) {
    const path =
      p.outcome === 'next'
        ? title(p.source)
        : `the “${words.pathLabel(p.source, p.outcome)}” path of ${title(p.source)}`;
    if (p.before && p.after) lines.push(`Re-wired ${path}: ${title(p.before)} → ${title(p.after)}`);
    else if (p.after) lines.push(`Connected ${path} to ${title(p.after)}`);
    else if (p.before) lines.push(`Disconnected ${path} from ${title(p.before)}`);
  }
  for (const f of diff.settings)
    lines.push(
      `Changed journey setting ${fieldPathWords(f.path)}: ${formatValue(f.before)} → ${formatValue(f.after)}`,
    );
  if (lines.length === 0) lines.push('No changes');
  return lines;
}
