/**
 * One customer's path through a journey, as the review canvas draws it: which steps they visited (in order, with
 * times), which lanes they took, where they are now. Pure: the canvas gets a decorated copy of the editor's view.
 */
import type { FlowView, JourneyFlowNode, LaneFlowEdge } from '../../editor-core';
import type { RunStep } from '../../api/review';

export interface RunPath {
  /** Visits per step, in the order they happened (a step can be visited again after a deferral). */
  visits: Map<string, RunStep[]>;
  /** `source → outcome` of every lane the run left a step by. */
  taken: Set<string>;
  /** The step the run is at now, when it is still running. */
  current: string | undefined;
}

export function laneKey(source: string, outcome: string): string {
  return `${source}\u0000${outcome}`;
}

export function runPath(
  steps: readonly RunStep[],
  run: { status: string; currentNodeId: string | null },
): RunPath {
  const visits = new Map<string, RunStep[]>();
  const taken = new Set<string>();
  for (const step of [...steps].sort((a, b) => a.seq - b.seq)) {
    visits.set(step.nodeId, [...(visits.get(step.nodeId) ?? []), step]);
    if (step.outcome) taken.add(laneKey(step.nodeId, step.outcome));
  }
  const open = [...steps].sort((a, b) => b.seq - a.seq).find((s) => s.leftAt === null);
  const current = run.status === 'running' ? (run.currentNodeId ?? open?.nodeId) : undefined;
  return { visits, taken, current };
}

/** "3 · 12 May, 10:02": the order of the first visit and when it was. */
export function stepBadge(order: number, enteredAt: string, formatTime: (iso: string) => string): string {
  return `${order} · ${formatTime(enteredAt)}`;
}

/**
 * The editor's flow view with the run drawn on it: visited steps and taken lanes highlighted (class names the
 * stylesheet colours), the rest dimmed, and each visited step badged with its order and entry time.
 */
export function decorateFlow(view: FlowView, path: RunPath, formatTime: (iso: string) => string): FlowView {
  const order = new Map<string, number>();
  const firsts = [...path.visits.values()].map((v) => v[0]!).sort((a, b) => a.seq - b.seq);
  firsts.forEach((step, i) => order.set(step.nodeId, i + 1));
  const nodes = view.nodes.map((node): JourneyFlowNode => {
    if (node.type !== 'step') return { ...node, className: 'run-unvisited' };
    const visits = path.visits.get(node.id);
    if (!visits) return { ...node, className: 'run-unvisited' };
    const label = stepBadge(order.get(node.id)!, visits[0]!.enteredAt, formatTime);
    return {
      ...node,
      className: node.id === path.current ? 'run-visited run-current' : 'run-visited',
      // A CSS string for the badge drawn by `.run-visited::after` (node data stays the editor's).
      style: { ...node.style, ['--run-badge' as string]: JSON.stringify(label) },
    };
  });
  const edges = view.edges.map((edge): LaneFlowEdge => ({
    ...edge,
    className:
      edge.data && path.taken.has(laneKey(edge.source, edge.data.outcome)) ? 'run-taken' : 'run-untaken',
  }));
  return { ...view, nodes, edges };
}
