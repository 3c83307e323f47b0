/**
 * Top-to-bottom auto layout: a pure function from the journey graph to positions. Journeys are trees in
 * practice (a step's paths fan out into lanes), so a tidy-tree layout reads best: every open path gets an "add a
 * step" slot at its end, and the same graph always lays out the same. A step sits centred over its lanes, except
 * over the lane that carries the journey on (more steps than all its other lanes together): then it sits straight
 * above it, so a long journey runs down one straight path with its short side paths beside it, instead of
 * drifting into a wide V. Subtrees are packed by their contours (Reingold–Tilford): a side path only keeps clear
 * of the rows it shares with its neighbour. A step reached from two places (a merge) sits under the first one;
 * the other path is drawn as a lane to it. A collapsed lane ends in one block standing for all the steps behind it.
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

/** A collapsed lane's block: the steps behind the lane, hidden, counted. */
export interface CollapsedPath extends Box {
  id: string;
  source: string;
  outcome: string;
  /** The hidden steps, the lane's first step first. */
  hidden: string[];
}

export interface JourneyLayout {
  steps: Map<string, Box>;
  openPaths: OpenPath[];
  collapsed: CollapsedPath[];
  /** Where the trigger goes when the journey has none yet. */
  triggerSlot?: Box & { id: string };
  lanes: Lane[];
  bounds: Box;
}

export const TRIGGER_SLOT_ID = 'slot:trigger';

export function openPathId(source: string, outcome: string): string {
  return `open:${source}:${outcome}`;
}

/** A lane's id, as `collapsed` names lanes: `<source step>:<outcome>`. */
export function laneId(source: string, outcome: string): string {
  return `${source}:${outcome}`;
}

export function collapsedPathId(source: string, outcome: string): string {
  return `collapsed:${source}:${outcome}`;
}

export interface LayoutInput {
  graph: JourneyGraph;
  outcomesOf(node: GraphNode): string[];
  isTrigger(node: GraphNode): boolean;
  /** Lanes (by `laneId`) drawn as one block instead of the steps behind them. */
  collapsed?: ReadonlySet<string>;
}

interface TreeItem {
  id: string;
  kind: 'step' | 'open' | 'slot' | 'collapsed';
  width: number;
  height: number;
  children: TreeItem[];
  /** Centre of each child relative to this item's centre (set by `measure`). */
  offsets: number[];
  /** Steps in this subtree (a collapsed block counts as its hidden steps). */
  weight: number;
  depth: number;
  source?: string;
  outcome?: string;
  hidden?: string[];
}

/** A subtree's outline per row below its root (row 0 = the root), relative to the root's centre. */
interface Contour {
  left: number[];
  right: number[];
}

const leaf = (
  id: string,
  kind: TreeItem['kind'],
  width: number,
  height: number,
  depth: number,
): TreeItem => ({
  id,
  kind,
  width,
  height,
  depth,
  children: [],
  offsets: [],
  weight: kind === 'step' ? 1 : 0,
});

/** Lays the children out side by side, each as close to the ones before as their contours allow. */
function measure(item: TreeItem): Contour {
  const own: Contour = { left: [-item.width / 2], right: [item.width / 2] };
  if (item.children.length === 0) return own;
  const contours = item.children.map(measure);
  item.weight += item.children.reduce((sum, c) => sum + c.weight, 0);
  // Child centres relative to the first child's centre.
  const at: number[] = [];
  const right: number[] = [];
  contours.forEach((c, i) => {
    let x = 0;
    if (i > 0) {
      x = -Infinity;
      for (let d = 0; d < Math.min(right.length, c.left.length); d++)
        x = Math.max(x, right[d]! - c.left[d]! + COLUMN_GAP);
    }
    at.push(x);
    c.right.forEach((r, d) => (right[d] = Math.max(right[d] ?? -Infinity, x + r)));
  });
  // Straight above the lane that carries the journey on, else centred over the lanes.
  const heaviest = item.children.reduce(
    (best, c, i) => (c.weight > item.children[best]!.weight ? i : best),
    0,
  );
  const rest = item.weight - (item.kind === 'step' ? 1 : 0) - item.children[heaviest]!.weight;
  const centre =
    item.children.length > 1 && item.children[heaviest]!.weight > rest
      ? at[heaviest]!
      : (at[0]! + at[at.length - 1]!) / 2;
  item.offsets = at.map((x) => x - centre);
  contours.forEach((c, i) => {
    c.left.forEach((l, d) => (own.left[d + 1] = Math.min(own.left[d + 1] ?? Infinity, item.offsets[i]! + l)));
    c.right.forEach(
      (r, d) => (own.right[d + 1] = Math.max(own.right[d + 1] ?? -Infinity, item.offsets[i]! + r)),
    );
  });
  return own;
}

export function layoutJourney({ graph, outcomesOf, isTrigger, collapsed }: LayoutInput): JourneyLayout {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const edgesFrom = new Map<string, Map<string, string>>();
  for (const e of graph.edges) {
    if (!byId.has(e.source) || !byId.has(e.target)) continue;
    const out = edgesFrom.get(e.source) ?? new Map<string, string>();
    if (!out.has(e.outcome)) out.set(e.outcome, e.target);
    edgesFrom.set(e.source, out);
  }
  const placed = new Set<string>();
  /** Hidden step → the block that stands for it. */
  const hiddenIn = new Map<string, string>();
  const lanes: Lane[] = [];

  /** Every step behind `first` not placed yet, depth first in outcome order (so the lane's first step leads). */
  const hide = (first: string, block: string): string[] => {
    const hidden: string[] = [];
    const stack = [first];
    while (stack.length) {
      const id = stack.pop()!;
      if (placed.has(id)) continue;
      placed.add(id);
      hiddenIn.set(id, block);
      hidden.push(id);
      stack.push(...[...(edgesFrom.get(id)?.values() ?? [])].reverse());
    }
    return hidden;
  };

  const build = (node: GraphNode, depth: number): TreeItem => {
    placed.add(node.id);
    const item = leaf(node.id, 'step', STEP_WIDTH, STEP_HEIGHT, depth);
    const out = edgesFrom.get(node.id) ?? new Map<string, string>();
    const outcomes = outcomesOf(node);
    // Paths with an outcome the step no longer has are still drawn, after the known ones, so nothing hides.
    const all = [...outcomes, ...[...out.keys()].filter((o) => !outcomes.includes(o))];
    for (const outcome of all) {
      const target = out.get(outcome);
      const id = laneId(node.id, outcome);
      if (target === undefined) {
        const slot = openPathId(node.id, outcome);
        item.children.push({
          ...leaf(slot, 'open', OPEN_PATH_WIDTH, OPEN_PATH_HEIGHT, depth + 1),
          source: node.id,
          outcome,
        });
        lanes.push({ id, source: node.id, outcome, target: slot, open: true });
        continue;
      }
      if (collapsed?.has(id) && !placed.has(target)) {
        const block = collapsedPathId(node.id, outcome);
        const hidden = hide(target, block);
        item.children.push({
          ...leaf(block, 'collapsed', STEP_WIDTH, STEP_HEIGHT, depth + 1),
          weight: hidden.length,
          source: node.id,
          outcome,
          hidden,
        });
        lanes.push({ id, source: node.id, outcome, target: block, open: false });
        continue;
      }
      lanes.push({ id, source: node.id, outcome, target, open: false });
      if (!placed.has(target)) item.children.push(build(byId.get(target)!, depth + 1));
    }
    return item;
  };

  const hasIncoming = new Set(graph.edges.filter((e) => byId.has(e.source)).map((e) => e.target));
  const trigger = graph.nodes.find(isTrigger);
  const roots: TreeItem[] = [];
  if (trigger) {
    roots.push(build(trigger, 0));
  } else {
    const slot = leaf(TRIGGER_SLOT_ID, 'slot', STEP_WIDTH, STEP_HEIGHT, 0);
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

  // Trees side by side, each clear of the ones before it on every row; the journey's start sits at x = 0 so a
  // growing journey does not drift sideways.
  const rootX: number[] = [];
  let reach = -Infinity;
  for (const root of roots) {
    const c = measure(root);
    const x = rootX.length === 0 ? 0 : reach - Math.min(...c.left) + TREE_GAP;
    rootX.push(x);
    reach = Math.max(reach, x + Math.max(...c.right));
  }

  const steps = new Map<string, Box>();
  const openPaths: OpenPath[] = [];
  const collapsedPaths: CollapsedPath[] = [];
  let triggerSlot: JourneyLayout['triggerSlot'];
  let minX = Infinity;
  let maxX = -Infinity;
  let maxY = 0;
  const emit = (item: TreeItem, cx: number): void => {
    const box: Box = {
      x: cx - item.width / 2,
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
    else if (item.kind === 'collapsed')
      collapsedPaths.push({
        ...box,
        id: item.id,
        source: item.source!,
        outcome: item.outcome!,
        hidden: item.hidden!,
      });
    else triggerSlot = { ...box, id: item.id };
    item.children.forEach((child, i) => emit(child, cx + item.offsets[i]!));
  };
  roots.forEach((root, i) => emit(root, rootX[i]!));
  // A lane from a shown step into a collapsed path (a merge) ends at the block that hides its step; lanes between
  // hidden steps are not drawn.
  const shown = lanes
    .filter((lane) => !hiddenIn.has(lane.source))
    .map((lane) => {
      const block = hiddenIn.get(lane.target);
      return block ? { ...lane, target: block } : lane;
    });
  return {
    steps,
    openPaths,
    collapsed: collapsedPaths,
    ...(triggerSlot ? { triggerSlot } : {}),
    lanes: shown,
    bounds: { x: minX, y: 0, width: maxX - minX, height: maxY },
  };
}
