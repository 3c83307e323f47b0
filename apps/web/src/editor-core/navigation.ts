/**
 * Arrow keys move the selection between steps the way they look on the canvas: up to the step before, down to
 * the first step after, left and right to the nearest step on the same row.
 */
import type { JourneyGraph } from '@wakeflow/journey';
import type { Box } from './layout';

export type Direction = 'up' | 'down' | 'left' | 'right';

export function neighbourStep(
  graph: JourneyGraph,
  positions: ReadonlyMap<string, Box>,
  from: string | undefined,
  direction: Direction,
): string | undefined {
  const ids = graph.nodes.map((n) => n.id).filter((id) => positions.has(id));
  if (from === undefined || !positions.has(from)) return ids[0];
  const here = positions.get(from)!;
  const cx = (b: Box): number => b.x + b.width / 2;
  if (direction === 'up')
    return graph.edges.find((e) => e.target === from && positions.has(e.source))?.source;
  if (direction === 'down') {
    const below = graph.edges
      .filter((e) => e.source === from && positions.has(e.target))
      .map((e) => e.target)
      .sort((a, b) => cx(positions.get(a)!) - cx(positions.get(b)!));
    // Prefer the lane straight below, else the leftmost one.
    return below.find((id) => Math.abs(cx(positions.get(id)!) - cx(here)) < 1) ?? below[0];
  }
  const sameRow = ids
    .filter((id) => id !== from && positions.get(id)!.y === here.y)
    .map((id) => ({ id, dx: cx(positions.get(id)!) - cx(here) }))
    .filter(({ dx }) => (direction === 'left' ? dx < 0 : dx > 0))
    .sort((a, b) => Math.abs(a.dx) - Math.abs(b.dx));
  return sameRow[0]?.id;
}

/**
 * The step a search for `query` jumps to: the first whose title is exactly it (case aside), else the first whose
 * title contains it, in the graph's order (top of the journey first).
 */
export function findStepByTitle(
  graph: JourneyGraph,
  titleOf: (node: JourneyGraph['nodes'][number]) => string,
  query: string,
): string | undefined {
  const q = query.trim().toLowerCase();
  if (!q) return undefined;
  const titled = graph.nodes.map((n) => ({ id: n.id, title: titleOf(n).toLowerCase() }));
  return (titled.find((s) => s.title === q) ?? titled.find((s) => s.title.includes(q)))?.id;
}
