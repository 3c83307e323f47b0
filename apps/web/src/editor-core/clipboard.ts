/**
 * Copy and paste of a step or a whole branch. A fragment is self-contained (its root plus everything below it);
 * pasting gives every step a fresh id and hangs the fragment on a path like an inserted step.
 */
import type { GraphEdge, GraphNode, JourneyGraph } from '@wakeflow/journey';
import { nodeOutcomes, roleOf, type EditorCatalog } from './catalog';
import { edgeAt, findNode, freshNodeId, nodeIds, type EditResult, type InsertPoint } from './graph-ops';

export interface ClipboardFragment {
  rootId: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export type CopyResult = { ok: true; fragment: ClipboardFragment } | { ok: false; reason: string };

export function copyStep(graph: JourneyGraph, id: string, catalog: EditorCatalog): CopyResult {
  const node = findNode(graph, id);
  if (!node) return { ok: false, reason: `Step ${id} does not exist` };
  if (roleOf(node, catalog) === 'trigger')
    return { ok: false, reason: 'The trigger cannot be copied: a journey has one' };
  return { ok: true, fragment: { rootId: id, nodes: [structuredClone(node)], edges: [] } };
}

/** The step and every step below it, in graph order. */
export function copyBranch(graph: JourneyGraph, id: string, catalog: EditorCatalog): CopyResult {
  const root = findNode(graph, id);
  if (!root) return { ok: false, reason: `Step ${id} does not exist` };
  if (roleOf(root, catalog) === 'trigger')
    return { ok: false, reason: 'The trigger cannot be copied: a journey has one' };
  const inBranch = new Set<string>([id]);
  const queue = [id];
  while (queue.length) {
    const current = queue.shift()!;
    for (const e of graph.edges) {
      if (e.source === current && !inBranch.has(e.target)) {
        inBranch.add(e.target);
        queue.push(e.target);
      }
    }
  }
  return {
    ok: true,
    fragment: {
      rootId: id,
      nodes: graph.nodes.filter((n) => inBranch.has(n.id)).map((n) => structuredClone(n)),
      edges: graph.edges
        .filter((e) => inBranch.has(e.source) && inBranch.has(e.target))
        .map((e) => ({ ...e })),
    },
  };
}

/** The fragment's first open path (breadth-first from its root): where a displaced continuation is re-attached. */
function firstOpenPath(
  fragment: ClipboardFragment,
  catalog: EditorCatalog,
): { source: string; outcome: string } | undefined {
  const byId = new Map(fragment.nodes.map((n) => [n.id, n]));
  const seen = new Set<string>();
  const queue = [fragment.rootId];
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const node = byId.get(id);
    if (!node) continue;
    for (const outcome of nodeOutcomes(node, catalog)) {
      const edge = fragment.edges.find((e) => e.source === id && e.outcome === outcome);
      if (!edge) return { source: id, outcome };
      queue.push(edge.target);
    }
  }
  return undefined;
}

export function pasteFragment(
  graph: JourneyGraph,
  fragment: ClipboardFragment,
  at: InsertPoint,
  catalog: EditorCatalog,
): EditResult {
  if (at.kind === 'trigger') return { ok: false, reason: 'Start with a trigger: copied steps go on a path' };
  if (!findNode(graph, at.source)) return { ok: false, reason: `Step ${at.source} does not exist` };
  const taken = nodeIds(graph);
  const rename = new Map<string, string>();
  for (const n of fragment.nodes) {
    const id = freshNodeId(n.type, taken);
    taken.add(id);
    rename.set(n.id, id);
  }
  const id = (old: string): string => rename.get(old) ?? old;
  const nodes = fragment.nodes.map((n) => ({ ...structuredClone(n), id: id(n.id) }));
  const fragmentEdges = fragment.edges.map((e) => ({
    source: id(e.source),
    outcome: e.outcome,
    target: id(e.target),
  }));
  const existing = edgeAt(graph, at.source, at.outcome);
  const edges = graph.edges.filter((e) => e !== existing);
  edges.push({ source: at.source, outcome: at.outcome, target: id(fragment.rootId) }, ...fragmentEdges);
  if (existing) {
    const open = firstOpenPath(fragment, catalog);
    if (!open)
      return {
        ok: false,
        reason: 'Every path of the copied branch ends in an exit: paste it on an open path',
      };
    edges.push({ source: id(open.source), outcome: open.outcome, target: existing.target });
  }
  return { ok: true, graph: { nodes: [...graph.nodes, ...nodes], edges }, focus: id(fragment.rootId) };
}
