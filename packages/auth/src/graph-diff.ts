/**
 * What a publish would change, for the reviewer: steps added, removed and changed (with their config before and
 * after), connections added and removed, and settings changed, between the live version and the requested draft.
 * Works on the stored JSON shapes, so it needs nothing from the journey compiler.
 */
export interface JourneySnapshot {
  graph: Record<string, unknown>;
  settings: Record<string, unknown>;
}

export interface JourneyDiff {
  nodes: {
    added: NodeLike[];
    removed: NodeLike[];
    changed: { id: string; before: unknown; after: unknown }[];
  };
  edges: { added: string[]; removed: string[] };
  settings: { key: string; before: unknown; after: unknown }[];
  /** True when nothing a customer could notice changed (positions are not compared). */
  unchanged: boolean;
}

interface NodeLike {
  id: string;
  [key: string]: unknown;
}

function nodesOf(graph: Record<string, unknown>): Map<string, NodeLike> {
  const nodes = Array.isArray(graph.nodes) ? graph.nodes : [];
  const out = new Map<string, NodeLike>();
  for (const n of nodes) {
    if (n && typeof n === 'object' && typeof (n as { id?: unknown }).id === 'string')
      out.set((n as NodeLike).id, n as NodeLike);
  }
  return out;
}

function edgeKey(e: unknown): string | null {
  if (!e || typeof e !== 'object') return null;
  const { source, target, outcome } = e as { source?: unknown; target?: unknown; outcome?: unknown };
  if (typeof source !== 'string' || typeof target !== 'string') return null;
  return `${source} -${typeof outcome === 'string' ? outcome : 'next'}-> ${target}`;
}

function edgesOf(graph: Record<string, unknown>): Set<string> {
  const edges = Array.isArray(graph.edges) ? graph.edges : [];
  return new Set(edges.map(edgeKey).filter((k): k is string => k !== null));
}

/** Key-order-independent JSON, so `{a,b}` and `{b,a}` compare equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

/** A step without its canvas position: moving a box is not a change a reviewer needs to approve. */
function meaningful(node: NodeLike): Record<string, unknown> {
  const { position: _position, ...rest } = node;
  return rest;
}

export function diffJourneys(before: JourneySnapshot | null, after: JourneySnapshot): JourneyDiff {
  const a = nodesOf(before?.graph ?? {});
  const b = nodesOf(after.graph);
  const added = [...b.values()].filter((n) => !a.has(n.id));
  const removed = [...a.values()].filter((n) => !b.has(n.id));
  const changed = [...b.values()]
    .filter((n) => a.has(n.id) && canonical(meaningful(a.get(n.id)!)) !== canonical(meaningful(n)))
    .map((n) => ({ id: n.id, before: a.get(n.id), after: n }));
  const ea = edgesOf(before?.graph ?? {});
  const eb = edgesOf(after.graph);
  const settingsBefore = before?.settings ?? {};
  const keys = [...new Set([...Object.keys(settingsBefore), ...Object.keys(after.settings)])].sort();
  const settings = keys
    .filter((k) => canonical(settingsBefore[k]) !== canonical(after.settings[k]))
    .map((k) => ({ key: k, before: settingsBefore[k] ?? null, after: after.settings[k] ?? null }));
  const edges = {
    added: [...eb].filter((k) => !ea.has(k)).sort(),
    removed: [...ea].filter((k) => !eb.has(k)).sort(),
  };
  return {
    nodes: { added, removed, changed },
    edges,
    settings,
    unchanged:
      added.length +
        removed.length +
        changed.length +
        edges.added.length +
        edges.removed.length +
        settings.length ===
      0,
  };
}
