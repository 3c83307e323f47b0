/**
 * A collapsed path: one block standing for the steps behind a folded lane ("12 steps", their first names). Click
 * or Enter shows them again, and the first of them takes focus.
 */
import { memo } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { ChevronsDown } from 'lucide-react';
import type { CollapsedPathFlowNode } from '../editor-core';
import { useCanvasActions } from './canvas-context';

function CollapsedPathNodeView({ data }: NodeProps<CollapsedPathFlowNode>) {
  const { expandPath } = useCanvasActions();
  return (
    <button
      type="button"
      className="collapsed-path nodrag nokey"
      data-testid={`collapsed-${data.source}-${data.outcome}`}
      aria-expanded={false}
      aria-label={data.expandLabel}
      title="Show these steps"
      disabled={!expandPath}
      onClick={(e) => {
        e.stopPropagation();
        expandPath?.(data.source, data.outcome, data.first);
      }}
    >
      <Handle type="target" position={Position.Top} isConnectable={false} className="step-handle" />
      <span className="collapsed-count">
        <ChevronsDown size={16} aria-hidden /> {data.count} step{data.count === 1 ? '' : 's'}
      </span>
      <span className="collapsed-names">
        {data.names.join(', ')}
        {data.count > data.names.length ? '…' : ''}
      </span>
    </button>
  );
}

export const CollapsedPathNode = memo(CollapsedPathNodeView);
