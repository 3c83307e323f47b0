/**
 * The journey on a React Flow canvas. Positions come from the pure layout, so nodes are not draggable and no
 * edges can be drawn by hand (which also means no cycles); the canvas pans, zooms, shows a minimap and fits
 * the journey into view. It renders the graph and reports clicks; the page decides what they mean.
 */
import { useEffect, useRef } from 'react';
import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type NodeTypes,
  type EdgeTypes,
} from '@xyflow/react';
import { openingViewport, type FlowView, type JourneyFlowNode } from '../editor-core';
import { CanvasContext, type CanvasActions } from './canvas-context';
import { LaneEdge } from './LaneEdge';
import { LanePlusNode, OpenPathNode, TriggerSlotNode } from './SlotNodes';
import { StepNode } from './StepNode';

const nodeTypes: NodeTypes = {
  step: StepNode,
  open: OpenPathNode,
  slot: TriggerSlotNode,
  plus: LanePlusNode,
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
}

function minimapColor(node: JourneyFlowNode): string {
  if (node.type === 'plus') return 'transparent';
  return node.type === 'step' ? node.data.color : '#cbd5e1';
}

function CanvasInner({ view, actions, onSelect, focus }: JourneyCanvasProps) {
  const flow = useReactFlow();
  const fitted = useRef(false);
  const wrapper = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (fitted.current || view.nodes.length === 0) return;
    fitted.current = true;
    // Wait a frame so React Flow has measured the nodes it just received.
    requestAnimationFrame(() => {
      // A journey fitted whole too small to read starts at its top and left edge, readable, like a document.
      const opening = openingViewport(view.nodes, {
        width: wrapper.current?.clientWidth ?? 0,
        height: wrapper.current?.clientHeight ?? 0,
      });
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
            <Controls showInteractive={false} position="bottom-left" />
          </ReactFlow>
        </div>
        {/* Beside the canvas, not over it: an overlaid minimap hid the steps under it at 1280×720. */}
        <aside className="canvas-overview" aria-label="Overview of the journey">
          <MiniMap<JourneyFlowNode>
            position="top-left"
            pannable
            zoomable
            nodeColor={minimapColor}
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
