/**
 * The journey on a React Flow canvas. Positions come from the pure layout, so nodes are not draggable and no
 * edges can be drawn by hand (which also means no cycles); the canvas pans, zooms, shows a minimap and fits
 * the journey into view. It renders the graph and reports clicks; the page decides what they mean.
 */
import { useEffect, useRef } from 'react';
import {
  Background,
  BackgroundVariant,
  ControlButton,
  Controls,
  MiniMap,
  MiniMapNode,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  useStore,
  type MiniMapNodeProps,
  type NodeTypes,
  type EdgeTypes,
} from '@xyflow/react';
import { ChevronsDownUp, ChevronsUpDown, Maximize } from 'lucide-react';
import {
  COMPACT_ZOOM,
  fitViewport,
  openingViewport,
  type FlowView,
  type JourneyFlowNode,
} from '../editor-core';
import { CanvasContext, type CanvasActions } from './canvas-context';
import { CollapsedPathNode } from './CollapsedPathNode';
import { LaneEdge } from './LaneEdge';
import { LanePlusNode, OpenPathNode, TriggerSlotNode } from './SlotNodes';
import { StepNode } from './StepNode';

const nodeTypes: NodeTypes = {
  step: StepNode,
  open: OpenPathNode,
  slot: TriggerSlotNode,
  plus: LanePlusNode,
  collapsed: CollapsedPathNode,
};
const edgeTypes: EdgeTypes = { lane: LaneEdge };

export interface FocusRequest {
  nodeId: string;
  /** Bumped on every request so focusing the same step twice still pans. */
  seq: number;
}

export interface JourneyCanvasProps {
  /** The journey as flow elements, from `graphToFlow` (the page keeps it: arrow keys need the same layout). */
  view: FlowView;
  actions: CanvasActions;
  onSelect?(nodeId: string | undefined): void;
  focus?: FocusRequest;
  /** Fold every path of the journey (absent: no such control). */
  onCollapseAll?(): void;
  /** Unfold every folded path. */
  onExpandAll?(): void;
  /** Bumped to fit the journey to view again (after folding or unfolding everything). */
  fitRequest?: number;
}

/** A + has no place in the overview: only steps, slots and folded paths get a shape (half the minimap's DOM). */
function MinimapShape(props: MiniMapNodeProps) {
  return props.id.startsWith('plus:') ? null : <MiniMapNode {...props} />;
}

function minimapColor(node: JourneyFlowNode): string {
  if (node.type === 'collapsed') return '#94a3b8';
  return node.type === 'step' ? node.data.color : '#cbd5e1';
}

const isCompact = (s: { transform: [number, number, number] }) => s.transform[2] < COMPACT_ZOOM;

function CanvasInner({
  view,
  actions,
  onSelect,
  focus,
  onCollapseAll,
  onExpandAll,
  fitRequest,
}: JourneyCanvasProps) {
  const flow = useReactFlow();
  const fitted = useRef(false);
  const wrapper = useRef<HTMLDivElement>(null);
  // Zoomed out, steps show as compact blocks with their names in large type (re-renders only when crossing).
  const compact = useStore(isCompact);
  const canvasSize = () => ({
    width: wrapper.current?.clientWidth ?? 0,
    height: wrapper.current?.clientHeight ?? 0,
  });
  const fitToView = () => {
    const viewport = fitViewport(flow.getNodes(), canvasSize());
    if (viewport) void flow.setViewport(viewport, { duration: 200 });
  };
  // After folding or unfolding everything, once React Flow has the new nodes.
  useEffect(() => {
    if (fitRequest) requestAnimationFrame(fitToView);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed on the request only
  }, [fitRequest]);

  useEffect(() => {
    if (fitted.current || view.nodes.length === 0) return;
    fitted.current = true;
    // Wait a frame so React Flow has measured the nodes it just received.
    requestAnimationFrame(() => {
      // A journey fitted whole too small to read starts at its top and left edge, readable, like a document.
      const opening = openingViewport(view.nodes, canvasSize());
      if (opening) void flow.setViewport(opening);
      else void flow.fitView({ padding: 0.15, maxZoom: 1 });
    });
  }, [view.nodes, flow]);

  useEffect(() => {
    if (!focus) return;
    const box = view.layout.steps.get(focus.nodeId);
    if (!box) return;
    // Leave the viewport alone when the step (and the row below it) is already in sight.
    const { x, y, zoom } = flow.getViewport();
    const width = wrapper.current?.clientWidth ?? 0;
    const height = wrapper.current?.clientHeight ?? 0;
    const left = box.x * zoom + x;
    const top = box.y * zoom + y;
    const inSight =
      left >= 0 && top >= 0 && left + box.width * zoom <= width && top + (box.height + 140) * zoom <= height;
    if (inSight) return;
    void flow.setCenter(box.x + box.width / 2, box.y + box.height / 2, {
      zoom: Math.max(flow.getZoom(), 0.8),
      duration: 250,
    });
    // Only a new request pans; layout changes alone must not move the viewport under the manager.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed on the request's seq on purpose (see above)
  }, [focus?.seq]);

  return (
    <CanvasContext.Provider value={actions}>
      <div className="canvas-with-overview">
        <div ref={wrapper} className="canvas-pane">
          <ReactFlow<JourneyFlowNode>
            nodes={view.nodes}
            edges={view.edges}
            nodeTypes={nodeTypes}
            edgeTypes={edgeTypes}
            className={compact ? 'canvas-compact' : undefined}
            nodesDraggable={false}
            nodesConnectable={false}
            edgesFocusable={false}
            deleteKeyCode={null}
            selectionKeyCode={null}
            multiSelectionKeyCode={null}
            onNodeClick={(_, node) => onSelect?.(node.type === 'step' ? node.id : undefined)}
            onPaneClick={() => onSelect?.(undefined)}
            minZoom={0.1}
            maxZoom={1.75}
            proOptions={{ hideAttribution: true }}
            onlyRenderVisibleElements={view.nodes.length > 150}
          >
            <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#cbd5e1" />
            <Controls showInteractive={false} showFitView={false} position="bottom-left">
              <ControlButton
                className="react-flow__controls-fitview"
                onClick={fitToView}
                title="Fit to view"
                aria-label="Fit to view"
              >
                <Maximize />
              </ControlButton>
              {onCollapseAll ? (
                <ControlButton
                  onClick={onCollapseAll}
                  title="Collapse all paths"
                  aria-label="Collapse all paths"
                >
                  <ChevronsDownUp />
                </ControlButton>
              ) : null}
              {onExpandAll ? (
                <ControlButton onClick={onExpandAll} title="Show all paths" aria-label="Show all paths">
                  <ChevronsUpDown />
                </ControlButton>
              ) : null}
            </Controls>
          </ReactFlow>
        </div>
        {/* Beside the canvas, not over it: an overlaid minimap hid the steps under it at 1280×720. */}
        <aside className="canvas-overview" aria-label="Overview of the journey">
          <MiniMap<JourneyFlowNode>
            position="top-left"
            pannable
            zoomable
            nodeColor={minimapColor}
            nodeComponent={MinimapShape}
            nodeStrokeWidth={0}
            maskColor="rgba(241,245,249,0.7)"
          />
        </aside>
      </div>
    </CanvasContext.Provider>
  );
}

export function JourneyCanvas(props: JourneyCanvasProps) {
  return (
    <ReactFlowProvider>
      <CanvasInner {...props} />
    </ReactFlowProvider>
  );
}
