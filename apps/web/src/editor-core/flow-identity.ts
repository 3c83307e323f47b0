/**
 * Keeps the flow elements that did not change as the very objects React Flow already has. `graphToFlow` builds
 * every node anew on each edit; React Flow compares nodes by identity, so without this one keystroke in a step's
 * form re-measures and re-renders all 300 steps of a large journey instead of the one that changed.
 */
import type { FlowView } from './flow';

/** Equal when every own property is the same value; plain objects one level down (position, data, style) too. */
function sameShallow(a: unknown, b: unknown, depth = 1): boolean {
  if (a === b) return true;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) || Array.isArray(b))
    return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => (depth > 0 ? sameShallow(ra[k], rb[k], depth - 1) : ra[k] === rb[k]));
}

function reuse<T extends { id: string }>(previous: readonly T[], next: T[]): T[] {
  const before = new Map(previous.map((e) => [e.id, e]));
  let changed = previous.length !== next.length;
  const kept = next.map((element, i) => {
    const old = before.get(element.id);
    const same = old !== undefined && sameShallow(old, element);
    if (!same || previous[i] !== old) changed = true;
    return same ? old : element;
  });
  // The same array too when nothing changed, so React Flow skips the update altogether.
  return changed ? kept : (previous as T[]);
}

export function keepUnchangedElements(previous: FlowView | undefined, next: FlowView): FlowView {
  if (!previous) return next;
  return { ...next, nodes: reuse(previous.nodes, next.nodes), edges: reuse(previous.edges, next.edges) };
}

/** A keeper that remembers the last view it handed out (one per mounted canvas). */
export function createElementKeeper(): (next: FlowView) => FlowView {
  let last: FlowView | undefined;
  return (next) => (last = keepUnchangedElements(last, next));
}
