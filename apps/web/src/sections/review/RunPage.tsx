/**
 * One run, for a reviewer: the customer's path drawn on the journey canvas (the editor's read-only canvas and
 * layout, visited steps and taken lanes highlighted, each badged with its order and time), the timeline of steps
 * and messages, the wait it is in and when that ends, the signals it received, its Temporal history as a file, and
 * a replay of that history against the code this server runs, reported in plain words.
 */
import { useMemo, useState } from 'react';
import { ArrowLeft, CheckCircle2, Download, History, PlayCircle, XCircle } from 'lucide-react';
import { useEditorCatalog } from '../../api/catalog';
import { useJourney } from '../../api/journeys';
import { useNameLookups } from '../../api/lookups';
import {
  runHistoryUrl,
  useReplayRun,
  useRun,
  useRunHistory,
  useRuns,
  type RunDetail,
} from '../../api/review';
import { useVersion } from '../../api/versions';
import { JourneyCanvas, type FocusRequest } from '../../canvas/JourneyCanvas';
import type { CanvasActions } from '../../canvas/canvas-context';
import { graphToFlow, stepTitleById } from '../../editor-core';
import { useAccess } from '../people/access';
import { decorateFlow, runPath } from './run-path';
import { describeSeconds, summariseHistory, type HistorySummary } from './history';
import { formatDateTime, formatShortTime, humanise } from './format';
import { resultsHref, runsHref } from './routes';
import { RemoveFromJourneyButton } from '../../components/LaunchControls';

const readOnlyActions: Omit<CanvasActions, 'watch'> = {
  readOnly: true,
  insertAt: () => {},
  openInsertMenu: () => {},
};

function CurrentWait({
  detail,
  history,
  title,
}: {
  detail: RunDetail;
  history: HistorySummary | undefined;
  title: (id: string) => string;
}) {
  if (detail.run.status !== 'running') return null;
  const at = detail.run.currentNodeId;
  const timer = history?.pendingTimer;
  return (
    <section className="run-card run-card-wait" data-testid="current-wait">
      <h3>Waiting now</h3>
      <p>
        At <b>{at ? title(at) : 'a step'}</b>
        {timer?.firesAt ? (
          <>
            {' '}
            until <b>{formatDateTime(timer.firesAt)}</b>{' '}
            <span className="muted">
              ({describeSeconds(timer.seconds)} from {formatShortTime(timer.startedAt!)})
            </span>
          </>
        ) : history ? (
          ' (no timer: waiting for a signal or an activity)'
        ) : null}
      </p>
    </section>
  );
}

/** A run that ended without an exit: how (failed, cancelled, terminated, timed out), why, and at which step. */
function EndedWithoutExit({ detail, title }: { detail: RunDetail; title: (id: string) => string }) {
  const r = detail.run;
  if (r.status === 'running' || r.status === 'completed') return null;
  const at = r.currentNodeId;
  return (
    <section className="run-card run-card-wait" data-testid="ended-without-exit">
      <h3>{humanise(r.status)}</h3>
      <p>
        {at ? (
          <>
            Stopped at <b>{title(at)}</b>
            {r.endedAt ? ` on ${formatDateTime(r.endedAt)}` : ''}.{' '}
          </>
        ) : null}
        {r.endedReason ?? 'No reason was recorded.'}
      </p>
    </section>
  );
}

export function RunPage({ runId }: { runId: string }) {
  const access = useAccess();
  const run = useRun(runId);
  const detail = run.data;
  const journey = useJourney(detail?.run.journeyId ?? '');
  const version = useVersion(detail?.run.journeyId ?? '', detail?.run.version);
  // The run row names the customer by id; the run list (one row, this customer) carries their external id.
  const sameCustomer = useRuns({ customerId: detail?.run.customerId ?? '', limit: 1 }, detail !== undefined);
  const customer = sameCustomer.data?.[0]?.customerExternalId ?? detail?.run.customerId.slice(0, 8) ?? '';
  const historyQuery = useRunHistory(runId);
  const replay = useReplayRun(runId);
  const [focus, setFocus] = useState<FocusRequest>();
  const catalog = useEditorCatalog();
  const lookups = useNameLookups();
  const path = useMemo(() => (detail ? runPath(detail.steps, detail.run) : undefined), [detail]);
  const view = useMemo(() => {
    if (!version.data || !catalog || !path) return undefined;
    return decorateFlow(graphToFlow(version.data.graph, catalog, { lookups }), path, formatShortTime);
  }, [version.data, catalog, path, lookups]);
  const history = useMemo(
    () => (historyQuery.data ? summariseHistory(historyQuery.data) : undefined),
    [historyQuery.data],
  );
  const title = (id: string) => stepTitleById(version.data?.graph, catalog, id);
  const replayReason = access.reason('runs.replay');

  if (run.error) return <div className="page-message error">Could not load the run: {run.error.message}</div>;
  if (!detail) return <div className="page-message">Loading…</div>;
  const r = detail.run;
  const arms = Object.entries(r.arms ?? {});

  return (
    <div className="editor run-page">
      <div className="toolbar">
        <a className="icon-button" href={runsHref({ journeyId: r.journeyId })} aria-label="Back to runs">
          <ArrowLeft size={16} />
        </a>
        <div className="toolbar-title">
          <h1>
            Run of {customer} in {journey.data?.name ?? 'journey'}
          </h1>
          <span className="save-status">
            Version {r.version} · entry {r.entry} · started {formatDateTime(r.startedAt)}
            {r.endedAt ? ` · ended ${formatDateTime(r.endedAt)}` : ''}
          </span>
        </div>
        <div className="toolbar-actions">
          <span className={`run-status run-status-${r.status}`} data-testid="run-status">
            {humanise(r.status)}
          </span>
          {r.outcome ? <span className="exit-chip">{humanise(r.outcome)}</span> : null}
          <RemoveFromJourneyButton runId={runId} status={r.status} />
          <a className="button" href={resultsHref(r.journeyId, r.version)}>
            Results
          </a>
          <a
            className="button"
            href={runHistoryUrl(runId)}
            download={`run-${runId}-history.json`}
            data-testid="download-history"
          >
            <Download size={14} /> History JSON
          </a>
          <button
            type="button"
            className="button button-primary"
            disabled={Boolean(replayReason) || replay.isPending}
            title={replayReason ?? 'Replay the recorded history against the workflow code this server runs'}
            onClick={() => replay.mutate()}
          >
            <PlayCircle size={14} /> {replay.isPending ? 'Replaying…' : 'Replay against current code'}
          </button>
        </div>
      </div>
      {replay.data ? (
        <div
          className={`banner ${replay.data.ok ? 'banner-ok' : 'banner-error'}`}
          role="status"
          data-testid="replay-report"
        >
          {replay.data.ok ? <CheckCircle2 size={16} /> : <XCircle size={16} />}
          <span>
            {replay.data.summary}
            {replay.data.detail && !replay.data.ok ? (
              <details className="replay-detail">
                <summary>Details for engineers</summary>
                <pre>{replay.data.detail}</pre>
              </details>
            ) : null}
          </span>
        </div>
      ) : null}
      {replay.error ? (
        <div className="banner banner-error" role="alert">
          Replay failed: {replay.error.message}
        </div>
      ) : null}
      <div className="run-body">
        <div className="canvas" data-testid="canvas">
          {view ? (
            <JourneyCanvas view={view} actions={readOnlyActions} {...(focus ? { focus } : {})} />
          ) : (
            <div className="page-message">Loading the journey…</div>
          )}
        </div>
        <aside className="side-panel run-side">
          <div className="side-panel-body">
            <CurrentWait detail={detail} history={history} title={title} />
            <EndedWithoutExit detail={detail} title={title} />
            <section className="run-card">
              <h3>About this run</h3>
              <dl className="facts">
                <dt>Customer</dt>
                <dd>{customer}</dd>
                <dt>Group</dt>
                <dd>{r.holdout ? 'Holdout (no messages)' : 'Treatment'}</dd>
                {arms.map(([step, arm]) => (
                  <div key={step} className="facts-row">
                    <dt>Arm at {title(step)}</dt>
                    <dd>{arm}</dd>
                  </div>
                ))}
                <dt>Workflow</dt>
                <dd className="mono small">{r.workflowId}</dd>
              </dl>
            </section>
            <section className="run-card">
              <h3>Path</h3>
              <ol className="timeline" data-testid="run-timeline">
                {detail.steps.map((s) => {
                  const sent = detail.messages.filter((m) => m.nodeId === s.nodeId);
                  return (
                    <li key={s.seq} className={s.nodeId === path?.current ? 'timeline-current' : undefined}>
                      <button
                        type="button"
                        className="timeline-step"
                        onClick={() => setFocus((f) => ({ nodeId: s.nodeId, seq: (f?.seq ?? 0) + 1 }))}
                      >
                        <b>{title(s.nodeId)}</b>
                        <span className="muted small">
                          {formatDateTime(s.enteredAt)}
                          {s.leftAt ? ` → ${formatDateTime(s.leftAt)}` : ' · here now'}
                        </span>
                        {s.outcome ? <span className="tag">{humanise(s.outcome)}</span> : null}
                      </button>
                      {sent.map((m) => (
                        <div key={m.id} className="timeline-message small">
                          {m.channel} · <span className={`msg-${m.status}`}>{m.status}</span>
                          {m.reason ? <span className="muted"> ({m.reason})</span> : null}
                          {m.sentAt ? <span className="muted"> at {formatShortTime(m.sentAt)}</span> : null}
                        </div>
                      ))}
                    </li>
                  );
                })}
              </ol>
              {!detail.steps.length ? <p className="muted">No steps recorded yet.</p> : null}
            </section>
            <section className="run-card">
              <h3>
                <History size={14} /> Signals received
              </h3>
              {historyQuery.isPending ? <p className="muted">Reading the history…</p> : null}
              {historyQuery.error ? (
                <p className="muted">The Temporal history is not available: {historyQuery.error.message}</p>
              ) : null}
              {history ? (
                history.signals.length ? (
                  <ul className="signal-list" data-testid="signals">
                    {history.signals.map((s) => (
                      <li key={s.eventId}>
                        <b>{s.event?.name ?? s.signal}</b>
                        <span className="muted small"> {formatDateTime(s.event?.occurredAt ?? s.at)}</span>
                        {s.event?.eventId ? <div className="muted small mono">{s.event.eventId}</div> : null}
                      </li>
                    ))}
                  </ul>
                ) : (
                  <p className="muted">None: no customer event reached this run.</p>
                )
              ) : null}
              {history ? (
                <p className="muted small">
                  {history.events} history events · {history.timers.length} timers
                </p>
              ) : null}
            </section>
          </div>
        </aside>
      </div>
    </div>
  );
}
