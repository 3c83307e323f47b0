/**
 * Journey graph ↔ React Flow elements. The graph is the document; flow nodes and edges are a view of it with
 * positions from the layout. Stats never enter here: they change every few seconds and would rebuild the canvas.
 */
import { Position, type Edge, type Node, type NodeHandle } from '@xyflow/react';
import type { GraphNode, JourneyGraph } from '@wakeflow/journey';
import { nodeOutcomes, roleOf, type EditorCatalog } from './catalog';
import { describeStep, kindLabel, laneLabel, stepTitle, type DescribeLookups } from './describe';

/** The accessible name of a + on a path: which step it follows and, for a named path, which one. */
export function insertLabel(source: GraphNode | undefined, outcome: string, catalog: EditorCatalog): string {
  if (!source) return 'Add a step';
  const label = laneLabel(source, outcome, catalog);
  const after = `after “${stepTitle(source, catalog)}”`;
  return label ? `Add a step on the “${label}” path ${after}` : `Add a step ${after}`;
}
import type { CollapsedLanes } from './collapse';
import { layoutJourney, type Box, type JourneyLayout } from './layout';

export interface StepProblem {
  path: string;
  message: string;
}

export type StepNodeData = {
  step: GraphNode;
  title: string;
  summary: string;
  kindLabel: string;
  icon: string;
  color: string;
  role: 'trigger' | 'step' | 'exit';
  problems: StepProblem[];
  /** A step with several paths can fold them on the canvas: whether they are shown or folded now. */
  paths: 'single' | 'shown' | 'folded';
};
/** `insertLabel`: the + button's accessible name, in step names and path words ("Add a step after “Gift SMS”"). */
export type OpenPathNodeData = { source: string; outcome: string; insertLabel: string };
export type TriggerSlotNodeData = Record<string, never>;
/** The + on a path between two steps: a node, not an edge label, so Tab reaches it after the steps. */
export type LanePlusNodeData = { source: string; outcome: string; insertLabel: string };
/** A collapsed path: how many steps it hides, their first names, and what the block is called for screen readers. */
export type CollapsedPathNodeData = {
  source: string;
  outcome: string;
  count: number;
  names: string[];
  /** The path's label ("Yes", "a · 50%"), when the step names its paths. */
  pathLabel?: string;
  /** The first hidden step, which takes focus when the path is expanded. */
  first: string;
  expandLabel: string;
};
export type LaneEdgeData = { outcome: string; label?: string; open: boolean };

export type StepFlowNode = Node<StepNodeData, 'step'>;
export type OpenPathFlowNode = Node<OpenPathNodeData, 'open'>;
export type TriggerSlotFlowNode = Node<TriggerSlotNodeData, 'slot'>;
export type LanePlusFlowNode = Node<LanePlusNodeData, 'plus'>;
export type CollapsedPathFlowNode = Node<CollapsedPathNodeData, 'collapsed'>;
export type JourneyFlowNode =
  StepFlowNode | OpenPathFlowNode | TriggerSlotFlowNode | LanePlusFlowNode | CollapsedPathFlowNode;
export type LaneFlowEdge = Edge<LaneEdgeData, 'lane'>;

export interface FlowView {
  nodes: JourneyFlowNode[];
  edges: LaneFlowEdge[];
  layout: JourneyLayout;
}

export interface ToFlowOptions {
  problemsByNode?: ReadonlyMap<string, StepProblem[]>;
  lookups?: DescribeLookups;
  selectedId?: string;
  /** Lanes drawn as one block (see collapse.ts). */
  collapsed?: CollapsedLanes;
}

/** How many hidden step names a collapsed block lists. */
const NAMES_SHOWN = 3;

const NO_PROBLEMS: StepProblem[] = [];

/** React Flow's default handle (style.css): 6 px, centred on the edge of the node it sits on. */
const HANDLE = 6;

/**
 * Where a flow element sits, how large it is and where its paths attach (top centre in, bottom centre out), all
 * given as already measured. React Flow renders a node it has no handle positions for even when it is off screen,
 * to measure it; and it keeps measured handles across updates only when the node it is handed says it was
 * measured. Without both, every node whose object changed (all steps below an insert) and every node that
 * appeared (a path unfolded, the journey opened) was rendered and measured: a whole-page layout of ~600 nodes per
 * insert or undo on the 301-step journey.
 */
function placed(box: Box, ends: { in?: boolean; out?: boolean }) {
  const size = { width: box.width, height: box.height };
  return { position: { x: box.x, y: box.y }, ...size, measured: size, handles: handlesOf(size, ends) };
}

/** One array per size and ends, the same across renders: a new array would make every node look changed. */
const handleSets = new Map<string, NodeHandle[]>();
function handlesOf(
  size: { width: number; height: number },
  ends: { in?: boolean; out?: boolean },
): NodeHandle[] {
  const key = `${size.width}x${size.height}:${ends.in ? 'in' : ''}:${ends.out ? 'out' : ''}`;
  let handles = handleSets.get(key);
  if (!handles) {
    const at = (type: 'source' | 'target', y: number, position: Position): NodeHandle => ({
      type,
      position,
      x: size.width / 2 - HANDLE / 2,
      y: y - HANDLE / 2,
      width: HANDLE,
      height: HANDLE,
    });
    handles = [
      ...(ends.in ? [at('target', 0, Position.Top)] : []),
      ...(ends.out ? [at('source', size.height, Position.Bottom)] : []),
    ];
    handleSets.set(key, handles);
  }
  return handles;
}

const PLUS_SIZE = 22;
const PLUS_LABEL_GAP = 18;

export function graphToFlow(
  graph: JourneyGraph,
  catalog: EditorCatalog,
  options: ToFlowOptions = {},
): FlowView {
  const layout = layoutJourney({
    graph,
    outcomesOf: (n) => nodeOutcomes(n, catalog),
    isTrigger: (n) => roleOf(n, catalog) === 'trigger',
    ...(options.collapsed ? { collapsed: options.collapsed } : {}),
  });
  const pathCount = new Map<string, number>();
  for (const e of graph.edges) pathCount.set(e.source, (pathCount.get(e.source) ?? 0) + 1);
  const folded = new Set(layout.collapsed.map((c) => c.source));
  const nodes: JourneyFlowNode[] = [];
  for (const step of graph.nodes) {
    const box = layout.steps.get(step.id);
    if (!box) continue;
    const entry = catalog.get(step.type);
    const kind = catalog.kind(step.type);
    const title = stepTitle(step, catalog);
    const summary = describeStep(step, catalog, options.lookups);
    const kindName = kindLabel(step.type, catalog);
    const role = roleOf(step, catalog);
    nodes.push({
      id: step.id,
      type: 'step',
      ...placed(box, { in: role !== 'trigger', out: role !== 'exit' }),
      selected: options.selectedId === step.id,
      // What a screen reader says on the focused step: its name, its kind and what it does.
      ariaLabel: `${title}, ${kindName}: ${summary}`,
      data: {
        step,
        title,
        summary,
        kindLabel: kindName,
        icon: entry?.palette.icon ?? kind?.palette.icon ?? 'puzzle',
        color: entry?.palette.color ?? kind?.palette.color ?? '#64748b',
        role,
        problems: options.problemsByNode?.get(step.id) ?? NO_PROBLEMS,
        paths: (pathCount.get(step.id) ?? 0) < 2 ? 'single' : folded.has(step.id) ? 'folded' : 'shown',
      },
    });
  }
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  for (const open of layout.openPaths) {
    nodes.push({
      id: open.id,
      type: 'open',
      ...placed(open, { in: true }),
      selectable: false,
      // Its own + button takes focus; the wrapper would be a second, silent Tab stop.
      focusable: false,
      data: {
        source: open.source,
        outcome: open.outcome,
        insertLabel: insertLabel(byId.get(open.source), open.outcome, catalog),
      },
    });
  }
  // After the steps and before the +s in Tab order: a block stands where the steps it hides would be.
  for (const block of layout.collapsed) {
    const source = byId.get(block.source);
    const pathLabel = source ? laneLabel(source, block.outcome, catalog) : undefined;
    const names = block.hidden.slice(0, NAMES_SHOWN).map((id) => {
      const step = byId.get(id);
      return step ? stepTitle(step, catalog) : id;
    });
    const count = block.hidden.length;
    const steps = `${count} step${count === 1 ? '' : 's'}`;
    const path = pathLabel ? `the “${pathLabel}” path` : 'the path';
    nodes.push({
      id: block.id,
      type: 'collapsed',
      ...placed(block, { in: true }),
      selectable: false,
      focusable: false,
      data: {
        source: block.source,
        outcome: block.outcome,
        count,
        names,
        ...(pathLabel ? { pathLabel } : {}),
        first: block.hidden[0]!,
        expandLabel: `Show ${path} after “${source ? stepTitle(source, catalog) : block.source}”: ${steps}, ${names.join(', ')}${count > names.length ? '…' : ''}`,
      },
    });
  }
  if (layout.triggerSlot) {
    const s = layout.triggerSlot;
    nodes.push({
      id: s.id,
      type: 'slot',
      ...placed(s, { out: true }),
      selectable: false,
      focusable: false,
      data: {},
    });
  }
  // The + of each path between two steps, after every step in the node list: Tab visits the steps, then the +s.
  for (const lane of layout.lanes) {
    const from = layout.steps.get(lane.source);
    const to = layout.steps.get(lane.target);
    const source = byId.get(lane.source);
    if (lane.open || !from || !to || !source) continue;
    const sourceY = from.y + from.height;
    // Above the path's label when it has one, else halfway down the lane (where the lane edge used to draw it).
    const y = laneLabel(source, lane.outcome, catalog) ? to.y - PLUS_LABEL_GAP : (sourceY + to.y) / 2;
    nodes.push({
      id: `plus:${lane.id}`,
      type: 'plus',
      ...placed(
        { x: to.x + to.width / 2 - PLUS_SIZE / 2, y: y - PLUS_SIZE / 2, width: PLUS_SIZE, height: PLUS_SIZE },
        {},
      ),
      selectable: false,
      focusable: false,
      data: {
        source: lane.source,
        outcome: lane.outcome,
        insertLabel: insertLabel(source, lane.outcome, catalog),
      },
    });
  }
  const edges: LaneFlowEdge[] = layout.lanes.map((lane) => {
    const source = byId.get(lane.source);
    const label = source ? laneLabel(source, lane.outcome, catalog) : undefined;
    return {
      id: lane.id,
      type: 'lane',
      source: lane.source,
      target: lane.target,
      selectable: false,
      data: {
        outcome: lane.outcome,
        open: lane.open,
        ...(label ? { label } : {}),
      },
    };
  });
  return { nodes, edges, layout };
}

/** Back from the canvas to the document: steps from node data, paths from the lanes between steps. */
export function flowToGraph(nodes: readonly JourneyFlowNode[], edges: readonly LaneFlowEdge[]): JourneyGraph {
  const steps = nodes.filter((n): n is StepFlowNode => n.type === 'step').map((n) => n.data.step);
  const ids = new Set(steps.map((s) => s.id));
  return {
    nodes: steps,
    edges: edges
      .filter((e) => e.data && !e.data.open && ids.has(e.source) && ids.has(e.target))
      .map((e) => ({ source: e.source, outcome: e.data!.outcome, target: e.target })),
  };
}

/** Problems grouped by step, for markers on the canvas. */
export function groupProblems(
  problems: readonly { nodeId?: string; path: string; message: string }[],
): Map<string, StepProblem[]> {
  const map = new Map<string, StepProblem[]>();
  for (const p of problems) {
    if (!p.nodeId) continue;
    map.set(p.nodeId, [...(map.get(p.nodeId) ?? []), { path: p.path, message: p.message }]);
  }
  return map;
}
