/** A step on the canvas: kind icon and label, title, key settings in words, problem marker and live counts. */
import { memo } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { AlertCircle, ChevronsDown, ChevronsUp } from 'lucide-react';
import type { StepFlowNode } from '../editor-core';
import { useJourneyStats } from '../api/versions';
import { useCanvasActions } from './canvas-context';
import { KindIcon } from './icons';

function StepCounts({ nodeId, role }: { nodeId: string; role: 'trigger' | 'step' | 'exit' }) {
  const { watch } = useCanvasActions();
  // Subscribes to this step's slice only: a refresh re-renders the badges whose numbers changed, not the canvas.
  const { data } = useJourneyStats(watch?.journeyId ?? '', watch?.version, (s) => s.nodes[nodeId]);
  if (!watch) return null;
  const counts = data ?? { entered: 0, waiting: 0, passed: 0 };
  return (
    <div className="step-counts" data-testid={`counts-${nodeId}`}>
      <span title="Entered this step">
        <b>{counts.entered.toLocaleString()}</b> {role === 'exit' ? 'exited' : 'entered'}
      </span>
      {role === 'exit' ? null : (
        <>
          <span title="Waiting here now">
            <b>{counts.waiting.toLocaleString()}</b> waiting
          </span>
          <span title="Went on to the next step">
            <b>{counts.passed.toLocaleString()}</b> passed
          </span>
        </>
      )}
      <MessageCounts nodeId={nodeId} />
    </div>
  );
}

/** A send step's messages: sent, and of those delivered, opened and clicked (shares of sent). */
function MessageCounts({ nodeId }: { nodeId: string }) {
  const { watch } = useCanvasActions();
  const { data } = useJourneyStats(watch?.journeyId ?? '', watch?.version, (s) => s.messages[nodeId]);
  if (!watch || !data) return null;
  const share = (n: number) => (data.sent > 0 ? ` (${Math.round((n / data.sent) * 100)}%)` : '');
  return (
    <div className="step-message-counts" data-testid={`messages-${nodeId}`}>
      <span title="Messages sent">
        <b>{data.sent.toLocaleString()}</b> sent
      </span>
      <span title="Delivered, as the provider reported">
        <b>{data.delivered.toLocaleString()}</b> delivered{share(data.delivered)}
      </span>
      <span title="Opened (email)">
        <b>{data.opened.toLocaleString()}</b> opened{share(data.opened)}
      </span>
      <span title="Clicked a link">
        <b>{data.clicked.toLocaleString()}</b> clicked{share(data.clicked)}
      </span>
    </div>
  );
}

/** Folds or unfolds the step's paths; its own Tab stop inside the step, ignored by the step's own keys. */
function FoldButton({ stepId, title, folded }: { stepId: string; title: string; folded: boolean }) {
  const { togglePaths } = useCanvasActions();
  if (!togglePaths) return null;
  return (
    <button
      type="button"
      className="step-fold nodrag nokey"
      data-testid={`fold-${stepId}`}
      aria-expanded={!folded}
      aria-label={`${folded ? 'Show' : 'Collapse'} the paths after “${title}”`}
      title={folded ? 'Show its paths' : 'Collapse its paths'}
      onClick={(e) => {
        e.stopPropagation();
        togglePaths(stepId);
      }}
    >
      {folded ? <ChevronsDown size={14} /> : <ChevronsUp size={14} />}
    </button>
  );
}

function StepNodeView({ id, data, selected }: NodeProps<StepFlowNode>) {
  const { watch } = useCanvasActions();
  const problems = data.problems.length;
  return (
    <div
      className={`step-card step-${data.role}${selected ? ' step-selected' : ''}${problems ? ' step-invalid' : ''}${watch ? ' step-watched' : ''}`}
      style={{ ['--accent' as string]: data.color }}
      data-testid={`step-${id}`}
      data-kind={data.step.type}
      title={problems ? data.problems.map((p) => p.message).join('\n') : undefined}
    >
      {data.role === 'trigger' ? null : (
        <Handle type="target" position={Position.Top} isConnectable={false} className="step-handle" />
      )}
      <div className="step-icon">
        <KindIcon name={data.icon} size={16} />
      </div>
      <div className="step-body">
        <div className="step-kind">{data.kindLabel}</div>
        <div className="step-title">{data.title}</div>
        <div className="step-summary">{data.summary}</div>
      </div>
      {problems ? (
        <div className="step-problem-badge" aria-label={`${problems} problem${problems === 1 ? '' : 's'}`}>
          <AlertCircle size={14} /> {problems}
        </div>
      ) : null}
      {data.paths === 'single' ? null : (
        <FoldButton stepId={id} title={data.title} folded={data.paths === 'folded'} />
      )}
      <StepCounts nodeId={id} role={data.role} />
      {data.role === 'exit' ? null : (
        <Handle type="source" position={Position.Bottom} isConnectable={false} className="step-handle" />
      )}
    </div>
  );
}

export const StepNode = memo(StepNodeView);
