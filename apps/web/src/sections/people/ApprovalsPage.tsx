/**
 * The approvals inbox: publish requests newest first; one request shows the diff against the live version and the
 * validation result of exactly what would go live, and a reviewer approves or rejects it with a comment.
 */
import { useState } from 'react';
import { Check, X } from 'lucide-react';
import { useApproval, useApprovals, useDecideApproval, type ApprovalDetail } from '../../api/people';
import { formatDateTime, humanise } from '../review/format';
import { useAccess } from './access';
import { useActorName } from './actors';

const statuses = ['pending', 'approved', 'rejected', 'superseded', ''] as const;

function describeValue(value: unknown): string {
  if (value === undefined) return '—';
  const text = JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

function nodeLabel(node: { id: string; type?: string; title?: unknown }): string {
  return `${typeof node.title === 'string' && node.title ? node.title : node.id}${node.type ? ` (${node.type})` : ''}`;
}

export function DiffView({ diff }: { diff: ApprovalDetail['diff'] }) {
  if (diff.unchanged) return <p className="muted">No changes against the live version.</p>;
  return (
    <ul className="diff-lines" data-testid="approval-diff">
      {diff.nodes.added.map((n) => (
        <li key={`a-${n.id}`} className="diff-added">
          Added step {nodeLabel(n)}
        </li>
      ))}
      {diff.nodes.removed.map((n) => (
        <li key={`r-${n.id}`} className="diff-removed">
          Removed step {nodeLabel(n)}
        </li>
      ))}
      {diff.nodes.changed.map((c) => (
        <li key={`c-${c.id}`} className="diff-changed">
          Changed step {c.id}: <span className="mono small">{describeValue(c.before)}</span> →{' '}
          <span className="mono small">{describeValue(c.after)}</span>
        </li>
      ))}
      {diff.edges.added.map((e) => (
        <li key={`ea-${e}`} className="diff-added">
          New path {e}
        </li>
      ))}
      {diff.edges.removed.map((e) => (
        <li key={`er-${e}`} className="diff-removed">
          Removed path {e}
        </li>
      ))}
      {diff.settings.map((s) => (
        <li key={`s-${s.key}`} className="diff-changed">
          Setting {s.key}: {describeValue(s.before)} → {describeValue(s.after)}
        </li>
      ))}
    </ul>
  );
}

function ApprovalDetailPanel({ id }: { id: string }) {
  const access = useAccess();
  const detail = useApproval(id);
  const decide = useDecideApproval();
  const actorName = useActorName();
  const [comment, setComment] = useState('');
  const reason = access.reason('journeys.approve');
  if (detail.error) return <div className="page-message error">{detail.error.message}</div>;
  if (!detail.data) return <div className="page-message">Loading…</div>;
  const { approval, validation, diff, diffAgainstVersion } = detail.data;
  const pending = approval.status === 'pending';
  return (
    <div className="approval-detail" data-testid="approval-detail">
      <h2>{approval.journeyName}</h2>
      <p className="muted">
        Requested by {actorName(approval.requestedBy)} on {formatDateTime(approval.requestedAt)} · draft
        revision {approval.draftRevision}
        {approval.requestComment ? <> · “{approval.requestComment}”</> : null}
      </p>
      <h3>Changes {diffAgainstVersion ? `against live version ${diffAgainstVersion}` : '(first version)'}</h3>
      <DiffView diff={diff} />
      <h3>Check</h3>
      {validation.valid ? (
        <p className="text-ok" data-testid="approval-valid">
          No problems: this would publish as it is.
        </p>
      ) : (
        <ul className="problem-list compact">
          {validation.problems.map((p, i) => (
            <li key={i} className="problem">
              {p.nodeId ? <span className="problem-step">{p.nodeId}</span> : null}
              {p.message}
            </li>
          ))}
        </ul>
      )}
      {pending ? (
        <div className="decision" title={reason}>
          <label className="field">
            <span className="field-label">Comment</span>
            <textarea
              rows={3}
              value={comment}
              disabled={Boolean(reason)}
              placeholder="Required when rejecting: say what to fix"
              onChange={(e) => setComment(e.target.value)}
            />
          </label>
          {reason ? <div className="muted small">{reason}</div> : null}
          {decide.error ? (
            <div className="field-error" role="alert">
              {decide.error.message}
            </div>
          ) : null}
          <div className="decision-buttons">
            <button
              type="button"
              className="button button-primary"
              disabled={Boolean(reason) || !validation.valid || decide.isPending}
              onClick={() => decide.mutate({ id, decision: 'approve', comment })}
            >
              <Check size={14} /> Approve and publish
            </button>
            <button
              type="button"
              className="button button-danger"
              disabled={Boolean(reason) || !comment.trim() || decide.isPending}
              title={!comment.trim() ? 'Say why in the comment first' : undefined}
              onClick={() => decide.mutate({ id, decision: 'reject', comment })}
            >
              <X size={14} /> Reject
            </button>
          </div>
        </div>
      ) : (
        <p className="decided" data-testid="approval-decision">
          <span className={`status status-${approval.status}`}>{humanise(approval.status)}</span>
          {approval.decidedBy ? ` by ${actorName(approval.decidedBy)}` : ''}
          {approval.decidedAt ? ` on ${formatDateTime(approval.decidedAt)}` : ''}
          {approval.version ? ` · published as version ${approval.version}` : ''}
          {approval.decisionComment ? ` · “${approval.decisionComment}”` : ''}
        </p>
      )}
    </div>
  );
}

export function ApprovalsPage({ selectedId }: { selectedId?: string }) {
  const [status, setStatus] = useState<(typeof statuses)[number]>('pending');
  const approvals = useApprovals(status);
  const actorName = useActorName();
  return (
    <div className="approvals">
      <div className="approvals-list">
        <div className="segmented" role="tablist">
          {statuses.map((s) => (
            <button
              key={s || 'all'}
              type="button"
              role="tab"
              aria-selected={status === s}
              className={status === s ? 'on' : undefined}
              onClick={() => setStatus(s)}
            >
              {s ? humanise(s) : 'All'}
            </button>
          ))}
        </div>
        <ul className="inbox" data-testid="approvals-inbox">
          {(approvals.data ?? []).map((a) => (
            <li key={a.id} className={a.id === selectedId ? 'inbox-on' : undefined}>
              <a href={`#/team/approvals/${a.id}`}>
                <b>{a.journeyName}</b>
                <span className="muted small">
                  {actorName(a.requestedBy)} · {formatDateTime(a.requestedAt)}
                </span>
                <span className={`status status-${a.status}`}>{humanise(a.status)}</span>
              </a>
            </li>
          ))}
        </ul>
        {approvals.data && !approvals.data.length ? (
          <div className="empty-state">No {status || ''} requests.</div>
        ) : null}
      </div>
      <div className="approvals-detail">
        {selectedId ? (
          <ApprovalDetailPanel key={selectedId} id={selectedId} />
        ) : (
          <div className="page-message">Pick a request to review it.</div>
        )}
      </div>
    </div>
  );
}
