/**
 * An outcome lane: the path and its label ("Yes", "Did purchase", "a · 50%"). Its "+" is a node of its own
 * (`LanePlusNode`), so keyboard focus reaches it after the steps.
 */
import { memo } from 'react';
import { BaseEdge, EdgeLabelRenderer, getSmoothStepPath, type EdgeProps } from '@xyflow/react';
import type { LaneFlowEdge } from '../editor-core';
import { useJourneyStats } from '../api/versions';
import { useCanvasActions } from './canvas-context';

/** How many took this path, and their share of everyone who left the step (after a branch, split or wait). */
function LaneCount({ source, outcome }: { source: string; outcome: string }) {
  const { watch } = useCanvasActions();
  const { data } = useJourneyStats(watch?.journeyId ?? '', watch?.version, (s) => {
    const taken = s.outcomes[source];
    const here = taken?.[outcome];
    if (here === undefined || !taken) return undefined;
    const all = Object.values(taken).reduce((sum, n) => sum + n, 0);
    return { here, share: all > 0 ? here / all : 0, paths: Object.keys(taken).length };
  });
  if (!watch || data === undefined) return null;
  return (
    <span
      className="lane-count"
      title="Customers who took this path, and their share of those who left the step"
    >
      {data.here.toLocaleString()}
      {data.paths > 1 ? ` · ${Math.round(data.share * 100)}%` : ''}
    </span>
  );
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
      </EdgeLabelRenderer>
    </>
  );
}

export const LaneEdge = memo(LaneEdgeView);
