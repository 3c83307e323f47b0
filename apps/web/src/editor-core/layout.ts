/**
 * Top-to-bottom auto layout: a pure function from the journey graph to positions. Journeys are trees in
 * practice (a step's paths fan out into lanes), so a tidy-tree layout reads best: every step sits centred above
 * its lanes, every open path gets an "add a step" slot at its end, and the same graph always lays out the same.
 * A step reached from two places (a merge) sits under the first one; the other path is drawn as a lane to it.
 */
import type { GraphNode, JourneyGraph } from '@wakeflow/journey';

export const STEP_WIDTH = 272;
export const STEP_HEIGHT = 92;
export const OPEN_PATH_WIDTH = 168;
export const OPEN_PATH_HEIGHT = 40;
export const COLUMN_GAP = 40;
export const ROW_GAP = 96;
const TREE_GAP = COLUMN_GAP * 3;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A path of a step that leads nowhere yet, drawn as a slot where the next step goes. */
export interface OpenPath extends Box {
  id: string;
  source: string;
  outcome: string;
}

/** One outcome lane from a step to the step (or open slot) it leads to. */
export interface Lane {
  id: string;
  source: string;
  outcome: string;
  target: string;
  /** The target is an open slot, not a step. */
  open: boolean;
}

export interface JourneyLayout {
  steps: Map<string, Box>;
  openPaths: OpenPath[];
  /** Where the trigger goes when the journey has none yet. */
  triggerSlot?: Box & { id: string };
  lanes: Lane[];
  bounds: Box;
}

export const TRIGGER_SLOT_ID = 'slot:trigger';

export function openPathId(source: string, outcome: string): string {
  return `open:${source}:${outcome}`;
}

export interface LayoutInput {
  graph: JourneyGraph;
  outcomesOf(node: GraphNode): string[];
  isTrigger(node: GraphNode): boolean;
}

interface TreeItem {
  id: string;
  kind: 'step' | 'open' | 'slot';
  width: number;
  height: number;
  children: TreeItem[];
  span: number;
  cx: number;
  depth: number;
  source?: string;
  outcome?: string;
}

export function layoutJourney({ graph, outcomesOf, isTrigger }: LayoutInput): JourneyLayout {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const edgesFrom = new Map<string, Map<string, string>>();
  for (const e of graph.edges) {
    if (!byId.has(e.source) || !byId.has(e.target)) continue;
    const out = edgesFrom.get(e.source) ?? new Map<string, string>();
    if (!out.has(e.outcome)) out.set(e.outcome, e.target);
    edgesFrom.set(e.source, out);
  }
  const placed = new Set<string>();
  const lanes: Lane[] = [];

  const build = (node: GraphNode, depth: number): TreeItem => {
    placed.add(node.id);
    const item: TreeItem = {
      id: node.id,
      kind: 'step',
      width: STEP_WIDTH,
      height: STEP_HEIGHT,
      children: [],
      span: 0,
      cx: 0,
      depth,
    };
    const out = edgesFrom.get(node.id) ?? new Map<string, string>();
    const outcomes = outcomesOf(node);
    // Paths with an outcome the step no longer has are still drawn, after the known ones, so nothing hides.
    const all = [...outcomes, ...[...out.keys()].filter((o) => !outcomes.includes(o))];
    for (const outcome of all) {
      const target = out.get(outcome);
      const laneId = `${node.id}:${outcome}`;
      if (target === undefined) {
        const id = openPathId(node.id, outcome);
        item.children.push({
          id,
          kind: 'open',
          width: OPEN_PATH_WIDTH,
          height: OPEN_PATH_HEIGHT,
          children: [],
          span: 0,
          cx: 0,
          depth: depth + 1,
          source: node.id,
          outcome,
        });
        lanes.push({ id: laneId, source: node.id, outcome, target: id, open: true });
        continue;
      }
      lanes.push({ id: laneId, source: node.id, outcome, target, open: false });
      if (!placed.has(target)) item.children.push(build(byId.get(target)!, depth + 1));
    }
    return item;
  };

  const hasIncoming = new Set(graph.edges.filter((e) => byId.has(e.source)).map((e) => e.target));
  const trigger = graph.nodes.find(isTrigger);
  const roots: TreeItem[] = [];
  let slot: TreeItem | undefined;
  if (trigger) {
    roots.push(build(trigger, 0));
  } else {
    slot = {
      id: TRIGGER_SLOT_ID,
      kind: 'slot',
      width: STEP_WIDTH,
      height: STEP_HEIGHT,
      children: [],
      span: 0,
      cx: 0,
      depth: 0,
    };
    const first = graph.nodes.find((n) => !hasIncoming.has(n.id));
    if (first) {
      lanes.push({
        id: `${TRIGGER_SLOT_ID}:next`,
        source: TRIGGER_SLOT_ID,
        outcome: 'next',
        target: first.id,
        open: false,
      });
      slot.children.push(build(first, 1));
    }
    roots.push(slot);
  }
  // Detached steps (not reachable yet) are laid out as their own trees to the right, in graph order.
  for (const n of graph.nodes) if (!placed.has(n.id) && !hasIncoming.has(n.id)) roots.push(build(n, 0));
  for (const n of graph.nodes) if (!placed.has(n.id)) roots.push(build(n, 0));

  const measure = (item: TreeItem): number => {
    const childSpan =
      item.children.reduce((sum, c) => sum + measure(c), 0) +
      COLUMN_GAP * Math.max(0, item.children.length - 1);
    item.span = Math.max(item.width, childSpan);
    return item.span;
  };
  const place = (item: TreeItem, left: number): void => {
    item.cx = left + item.span / 2;
    const childSpan =
      item.children.reduce((sum, c) => sum + c.span, 0) + COLUMN_GAP * Math.max(0, item.children.length - 1);
    let x = left + (item.span - childSpan) / 2;
    for (const child of item.children) {
      place(child, x);
      x += child.span + COLUMN_GAP;
    }
  };
  let left = 0;
  for (const root of roots) {
    measure(root);
    place(root, left);
    left += root.span + TREE_GAP;
  }
  // The journey's start sits at x = 0 so a growing journey does not drift sideways.
  const shift = -(roots[0]?.cx ?? 0);

  const steps = new Map<string, Box>();
  const openPaths: OpenPath[] = [];
  let triggerSlot: JourneyLayout['triggerSlot'];
  let minX = Infinity;
  let maxX = -Infinity;
  let maxY = 0;
  const emit = (item: TreeItem): void => {
    const box: Box = {
      x: item.cx + shift - item.width / 2,
      y: item.depth * (STEP_HEIGHT + ROW_GAP),
      width: item.width,
      height: item.height,
    };
    minX = Math.min(minX, box.x);
    maxX = Math.max(maxX, box.x + box.width);
    maxY = Math.max(maxY, box.y + box.height);
    if (item.kind === 'step') steps.set(item.id, box);
    else if (item.kind === 'open')
      openPaths.push({ ...box, id: item.id, source: item.source!, outcome: item.outcome! });
    else triggerSlot = { ...box, id: item.id };
    item.children.forEach(emit);
  };
  roots.forEach(emit);
  return {
    steps,
    openPaths,
    ...(triggerSlot ? { triggerSlot } : {}),
    lanes,
    bounds: { x: minX, y: 0, width: maxX - minX, height: maxY },
  };
}
