/**
 * Edits a campaign manager makes on the canvas, as pure functions from graph to graph: insert a step on a path,
 * delete one (its branch collapses, or the caller is asked which path to keep), change a config (lanes follow
 * renamed outcomes), rename, duplicate. Paths are only ever created by these edits, so no cycle can be drawn.
 */
import type { GraphEdge, GraphNode, JourneyGraph } from '@wakeflow/journey';
import { nodeOutcomes, roleOf, type EditorCatalog } from './catalog';

/** Where a new step goes: on an outcome path of a step (connected or still open), or in the empty trigger slot. */
export type InsertPoint = { kind: 'path'; source: string; outcome: string } | { kind: 'trigger' };

export type EditResult =
  | { ok: true; graph: JourneyGraph; /** The step to select afterwards. */ focus?: string }
  | { ok: false; reason: string }
  /** Deleting a step with more than one continued path: the caller asks which path to keep. */
  | { ok: false; reason: string; choose: string[] };

export function findNode(graph: JourneyGraph, id: string): GraphNode | undefined {
  return graph.nodes.find((n) => n.id === id);
}

export function edgeAt(graph: JourneyGraph, source: string, outcome: string): GraphEdge | undefined {
  return graph.edges.find((e) => e.source === source && e.outcome === outcome);
}

/** A readable id not used yet: `send_1`, `send_2`… Ids are stable, so the smallest free number is deterministic. */
export function freshNodeId(type: string, taken: ReadonlySet<string>): string {
  const base = type.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 50) || 'step';
  for (let n = 1; ; n++) {
    const id = `${base}_${n}`;
    if (!taken.has(id)) return id;
  }
}

export function nodeIds(graph: JourneyGraph): Set<string> {
  return new Set(graph.nodes.map((n) => n.id));
}

function reach(edges: readonly GraphEdge[], starts: Iterable<string>): Set<string> {
  const out = new Map<string, string[]>();
  for (const e of edges) out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
  const seen = new Set<string>();
  const stack = [...starts];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(out.get(id) ?? []));
  }
  return seen;
}

/**
 * Removes the steps below `droppedRoots` that nothing else leads to any more, with their edges. Steps that were
 * already detached before the edit are left alone: the manager may still be wiring them.
 */
function removeDetachedBranches(graph: JourneyGraph, droppedRoots: readonly string[]): JourneyGraph {
  if (droppedRoots.length === 0) return graph;
  const candidates = reach(graph.edges, droppedRoots);
  const hasIncoming = new Set(graph.edges.map((e) => e.target));
  const keptRoots = graph.nodes
    .filter((n) => !hasIncoming.has(n.id) && !droppedRoots.includes(n.id))
    .map((n) => n.id);
  const kept = reach(graph.edges, keptRoots);
  const removed = new Set([...candidates].filter((id) => !kept.has(id)));
  return {
    nodes: graph.nodes.filter((n) => !removed.has(n.id)),
    edges: graph.edges.filter((e) => !removed.has(e.source) && !removed.has(e.target)),
  };
}

/** Inserts `node` at `at`. On a connected path the old continuation moves to the new step's first outcome. */
export function insertStep(
  graph: JourneyGraph,
  at: InsertPoint,
  node: GraphNode,
  catalog: EditorCatalog,
): EditResult {
  if (nodeIds(graph).has(node.id)) return { ok: false, reason: `A step with id ${node.id} already exists` };
  const role = roleOf(node, catalog);
  if (at.kind === 'trigger') {
    if (role !== 'trigger')
      return { ok: false, reason: 'Start with a trigger: how customers enter the journey' };
    if (graph.nodes.some((n) => roleOf(n, catalog) === 'trigger'))
      return { ok: false, reason: 'The journey already has a trigger' };
    const hasIncoming = new Set(graph.edges.map((e) => e.target));
    const orphan = graph.nodes.find((n) => !hasIncoming.has(n.id));
    const first = nodeOutcomes(node, catalog)[0];
    const edges = orphan && first ? [{ source: node.id, outcome: first, target: orphan.id }] : [];
    return {
      ok: true,
      graph: { nodes: [node, ...graph.nodes], edges: [...edges, ...graph.edges] },
      focus: node.id,
    };
  }
  if (role === 'trigger') return { ok: false, reason: 'A trigger can only start the journey' };
  const source = findNode(graph, at.source);
  if (!source) return { ok: false, reason: `Step ${at.source} does not exist` };
  const existing = edgeAt(graph, at.source, at.outcome);
  const edges = graph.edges.filter((e) => e !== existing);
  edges.push({ source: at.source, outcome: at.outcome, target: node.id });
  if (existing) {
    const first = nodeOutcomes(node, catalog)[0];
    if (first === undefined) {
      return {
        ok: false,
        reason: 'An exit ends the journey: put it at the end of a path, not between two steps',
      };
    }
    edges.push({ source: node.id, outcome: first, target: existing.target });
  }
  return { ok: true, graph: { nodes: [...graph.nodes, node], edges }, focus: node.id };
}

/**
 * Deletes a step. Whatever led into it now leads to its continuation. When more than one of its paths continues,
 * `keep` names the path that stays (the others are removed) or `'none'` removes everything below; without it the
 * result asks the caller to choose.
 */
export function deleteStep(
  graph: JourneyGraph,
  id: string,
  catalog: EditorCatalog,
  keep?: string | 'none',
): EditResult {
  const node = findNode(graph, id);
  if (!node) return { ok: false, reason: `Step ${id} does not exist` };
  const outgoing = graph.edges.filter((e) => e.source === id);
  const incoming = graph.edges.filter((e) => e.target === id);
  const rest: JourneyGraph = {
    nodes: graph.nodes.filter((n) => n.id !== id),
    edges: graph.edges.filter((e) => e.source !== id && e.target !== id),
  };
  if (roleOf(node, catalog) === 'trigger') return { ok: true, graph: rest };

  let continuation: string | undefined;
  let dropped: string[] = [];
  if (outgoing.length === 1) {
    continuation = outgoing[0]!.target;
  } else if (outgoing.length > 1) {
    if (keep === undefined) {
      return { ok: false, reason: 'Which path should stay?', choose: outgoing.map((e) => e.outcome) };
    }
    const kept = keep === 'none' ? undefined : outgoing.find((e) => e.outcome === keep);
    if (keep !== 'none' && !kept) return { ok: false, reason: `Step ${id} has no “${keep}” path` };
    continuation = kept?.target;
    dropped = outgoing.filter((e) => e !== kept).map((e) => e.target);
  }
  const edges = [...rest.edges];
  if (continuation !== undefined) {
    for (const e of incoming) edges.push({ source: e.source, outcome: e.outcome, target: continuation });
  }
  const parent = incoming[0]?.source;
  return {
    ok: true,
    graph: removeDetachedBranches({ nodes: rest.nodes, edges }, dropped),
    ...(parent ? { focus: parent } : {}),
  };
}

/**
 * Replaces a step's config. When its outcomes change, paths follow by position (typing a new event name renames
 * the lane instead of cutting it); paths whose outcome is gone are removed with the branch below them.
 */
export function updateConfig(
  graph: JourneyGraph,
  id: string,
  config: Record<string, unknown>,
  catalog: EditorCatalog,
): EditResult {
  const node = findNode(graph, id);
  if (!node) return { ok: false, reason: `Step ${id} does not exist` };
  const before = nodeOutcomes(node, catalog);
  const after = nodeOutcomes({ type: node.type, config }, catalog);
  const updated: GraphNode = { ...node, config };
  const nodes = graph.nodes.map((n) => (n.id === id ? updated : n));
  const used = new Set(
    graph.edges.filter((e) => e.source === id && after.includes(e.outcome)).map((e) => e.outcome),
  );
  const dropped: string[] = [];
  const edges: GraphEdge[] = [];
  for (const e of graph.edges) {
    if (e.source !== id || after.includes(e.outcome)) {
      edges.push(e);
      continue;
    }
    const renamed = after[before.indexOf(e.outcome)];
    if (
      before.indexOf(e.outcome) >= 0 &&
      renamed !== undefined &&
      !used.has(renamed) &&
      !before.includes(renamed)
    ) {
      used.add(renamed);
      edges.push({ ...e, outcome: renamed });
    } else {
      dropped.push(e.target);
    }
  }
  return { ok: true, graph: removeDetachedBranches({ nodes, edges }, dropped), focus: id };
}

export function renameStep(graph: JourneyGraph, id: string, name: string): EditResult {
  if (!findNode(graph, id)) return { ok: false, reason: `Step ${id} does not exist` };
  const trimmed = name.trim();
  return {
    ok: true,
    graph: {
      ...graph,
      nodes: graph.nodes.map((n) => {
        if (n.id !== id) return n;
        const { name: _old, ...rest } = n;
        return trimmed ? { ...rest, name } : rest;
      }),
    },
    focus: id,
  };
}

/** A copy of the step right after itself, on its first path. */
export function duplicateStep(graph: JourneyGraph, id: string, catalog: EditorCatalog): EditResult {
  const node = findNode(graph, id);
  if (!node) return { ok: false, reason: `Step ${id} does not exist` };
  const role = roleOf(node, catalog);
  if (role === 'trigger') return { ok: false, reason: 'A journey has one trigger; it cannot be duplicated' };
  const first = nodeOutcomes(node, catalog)[0];
  if (first === undefined)
    return { ok: false, reason: 'An exit ends its path: add another exit on an open path instead' };
  const copy: GraphNode = { ...structuredClone(node), id: freshNodeId(node.type, nodeIds(graph)) };
  return insertStep(graph, { kind: 'path', source: id, outcome: first }, copy, catalog);
}
