/**
 * Collapsed paths: which lanes of the canvas are drawn as one block instead of the steps behind them. A view
 * setting of the open editor, never part of the draft. Only the paths of a step that has several (a condition's
 * Yes/No, a split's arms, a wait's outcomes) fold; the set holds lane ids (`laneId`).
 */
import type { JourneyGraph } from '@wakeflow/journey';
import { laneId } from './layout';

export type CollapsedLanes = ReadonlySet<string>;

export const NO_COLLAPSED: CollapsedLanes = new Set();

/** The lanes of `stepId` that can fold: those leading to a step, when the step has more than one path. */
export function foldableLanes(graph: JourneyGraph, stepId: string): string[] {
  const out = graph.edges.filter((e) => e.source === stepId);
  return out.length > 1 ? out.map((e) => laneId(e.source, e.outcome)) : [];
}

/** Folds every path of the step, or unfolds them all when any is folded. */
export function toggleStepPaths(
  collapsed: CollapsedLanes,
  graph: JourneyGraph,
  stepId: string,
): CollapsedLanes {
  const lanes = foldableLanes(graph, stepId);
  const next = new Set(collapsed);
  if (lanes.some((l) => collapsed.has(l))) lanes.forEach((l) => next.delete(l));
  else lanes.forEach((l) => next.add(l));
  return next;
}

/** Every foldable path folded: the journey down to its first fork, each path of it one block. */
export function collapseAllPaths(graph: JourneyGraph): CollapsedLanes {
  return new Set(graph.nodes.flatMap((n) => foldableLanes(graph, n.id)));
}

/** The collapsed set without the lane `source → outcome`. */
export function expandLane(collapsed: CollapsedLanes, source: string, outcome: string): CollapsedLanes {
  const id = laneId(source, outcome);
  if (!collapsed.has(id)) return collapsed;
  const next = new Set(collapsed);
  next.delete(id);
  return next;
}

/**
 * The collapsed set with every lane unfolded that hides `stepId` (on its way from the trigger), so a step that is
 * selected, searched for or just inserted is on the canvas. The same set when nothing hides it.
 */
export function revealStep(collapsed: CollapsedLanes, graph: JourneyGraph, stepId: string): CollapsedLanes {
  if (collapsed.size === 0) return collapsed;
  let next: Set<string> | undefined;
  const seen = new Set<string>();
  let at: string | undefined = stepId;
  while (at !== undefined && !seen.has(at)) {
    seen.add(at);
    const target: string = at;
    const incoming = graph.edges.find((e) => e.target === target);
    if (!incoming) break;
    const id = laneId(incoming.source, incoming.outcome);
    if (collapsed.has(id)) (next ??= new Set(collapsed)).delete(id);
    at = incoming.source;
  }
  return next ?? collapsed;
}
