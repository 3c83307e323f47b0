/** An outcome lane: the path, its label ("Yes", "Did purchase", "a · 50%") and a "+" to insert a step on it. */
import { memo, useState } from 'react';
import { BaseEdge, EdgeLabelRenderer, getSmoothStepPath, type EdgeProps } from '@xyflow/react';
import { Plus } from 'lucide-react';
import type { LaneFlowEdge } from '../editor-core';
import { TRIGGER_SLOT_ID } from '../editor-core';
import { useJourneyStats } from '../api/versions';
import { dropTargetProps, useCanvasActions } from './canvas-context';

function LaneCount({ source, outcome }: { source: string; outcome: string }) {
  const { watch } = useCanvasActions();
  const { data } = useJourneyStats(
    watch?.journeyId ?? '',
    watch?.version,
    (s) => s.outcomes[source]?.[outcome],
  );
  if (!watch || data === undefined) return null;
  return <span className="lane-count">{data.toLocaleString()}</span>;
}

function LaneEdgeView({
  id,
  source,
  sourceX,
  sourceY,
  targetX,
  targetY,
  sourcePosition,
  targetPosition,
  data,
}: EdgeProps<LaneFlowEdge>) {
  const actions = useCanvasActions();
  const [hover, setHover] = useState(false);
  const [path] = getSmoothStepPath({
    sourceX,
    sourceY,
    targetX,
    targetY,
    sourcePosition,
    targetPosition,
    borderRadius: 14,
  });
  const centerY = (sourceY + targetY) / 2;
  const label = data?.label;
  const insertable = !actions.readOnly && !data?.open && source !== TRIGGER_SLOT_ID && data !== undefined;
  const plusY = label ? targetY - 18 : centerY;
  return (
    <>
      <BaseEdge id={id} path={path} className={data?.open ? 'lane-open' : 'lane'} />
      <EdgeLabelRenderer>
        {label ? (
          <div
            className="lane-label nodrag nopan"
            style={{ transform: `translate(-50%, -50%) translate(${targetX}px, ${centerY + 12}px)` }}
          >
            {label}
            {data ? <LaneCount source={source} outcome={data.outcome} /> : null}
          </div>
        ) : null}
        {insertable ? (
          <button
            type="button"
            className={`lane-plus nodrag nopan${hover ? ' drop-hover' : ''}`}
            style={{ transform: `translate(-50%, -50%) translate(${targetX}px, ${plusY}px)` }}
            aria-label={data.insertLabel}
            data-testid={`plus-${source}-${data.outcome}`}
            onClick={(e) =>
              actions.openInsertMenu(
                { kind: 'path', source, outcome: data.outcome },
                e.currentTarget.getBoundingClientRect(),
              )
            }
            {...dropTargetProps({ kind: 'path', source, outcome: data.outcome }, actions, setHover)}
          >
            <Plus size={12} strokeWidth={3} />
          </button>
        ) : null}
      </EdgeLabelRenderer>
    </>
  );
}

export const LaneEdge = memo(LaneEdgeView);
