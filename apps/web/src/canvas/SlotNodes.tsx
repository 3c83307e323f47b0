/**
 * Where the next step goes: the end of an open path, the + on a path between two steps, and the trigger slot of a
 * journey without a trigger.
 */
import { memo, useState } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { Plus, Zap } from 'lucide-react';
import type { InsertPoint, LanePlusFlowNode, OpenPathFlowNode, TriggerSlotFlowNode } from '../editor-core';
import { dropTargetProps, useCanvasActions } from './canvas-context';

function OpenPathNodeView({ data }: NodeProps<OpenPathFlowNode>) {
  const actions = useCanvasActions();
  const [hover, setHover] = useState(false);
  const at: InsertPoint = { kind: 'path', source: data.source, outcome: data.outcome };
  if (actions.readOnly) {
    return (
      <div className="open-slot open-slot-readonly">
        <Handle type="target" position={Position.Top} isConnectable={false} className="step-handle" />
        Ends here
      </div>
    );
  }
  return (
    <button
      type="button"
      className={`open-slot nodrag${hover ? ' drop-hover' : ''}`}
      data-testid={`open-${data.source}-${data.outcome}`}
      aria-label={data.insertLabel}
      onClick={(e) => actions.openInsertMenu(at, e.currentTarget.getBoundingClientRect())}
      {...dropTargetProps(at, actions, setHover)}
    >
      <Handle type="target" position={Position.Top} isConnectable={false} className="step-handle" />
      <Plus size={14} /> Add a step
    </button>
  );
}

function LanePlusNodeView({ data }: NodeProps<LanePlusFlowNode>) {
  const actions = useCanvasActions();
  const [hover, setHover] = useState(false);
  if (actions.readOnly) return null;
  const at: InsertPoint = { kind: 'path', source: data.source, outcome: data.outcome };
  return (
    <button
      type="button"
      className={`lane-plus lane-plus-node nodrag nopan${hover ? ' drop-hover' : ''}`}
      aria-label={data.insertLabel}
      data-testid={`plus-${data.source}-${data.outcome}`}
      onClick={(e) => actions.openInsertMenu(at, e.currentTarget.getBoundingClientRect())}
      {...dropTargetProps(at, actions, setHover)}
    >
      <Plus size={12} strokeWidth={3} />
    </button>
  );
}

function TriggerSlotNodeView(_: NodeProps<TriggerSlotFlowNode>) {
  const actions = useCanvasActions();
  const [hover, setHover] = useState(false);
  const at: InsertPoint = { kind: 'trigger' };
  return (
    <button
      type="button"
      className={`trigger-slot nodrag${hover ? ' drop-hover' : ''}`}
      data-testid="trigger-slot"
      disabled={actions.readOnly}
      onClick={(e) => actions.openInsertMenu(at, e.currentTarget.getBoundingClientRect())}
      {...dropTargetProps(at, actions, setHover)}
    >
      <Zap size={18} />
      <span>
        <b>Start with a trigger</b>
        <br />
        Drag an entry from the left, or click to choose
      </span>
      <Handle type="source" position={Position.Bottom} isConnectable={false} className="step-handle" />
    </button>
  );
}

export const OpenPathNode = memo(OpenPathNodeView);
export const TriggerSlotNode = memo(TriggerSlotNodeView);
export const LanePlusNode = memo(LanePlusNodeView);
