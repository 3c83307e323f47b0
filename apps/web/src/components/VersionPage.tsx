/**
 * A published version, read-only, with live counts per step and per lane (the issue-2 viewer and issue-3
 * "watching"). Counts come from their own query and reach the steps through context, never through node data.
 */
import { useMemo } from 'react';
import { ArrowLeft } from 'lucide-react';
import { useEditorCatalog } from '../api/catalog';
import { useJourney } from '../api/journeys';
import { useNameLookups } from '../api/lookups';
import { useJourneyStats, useVersion, useVersions } from '../api/versions';
import { JourneyCanvas } from '../canvas/JourneyCanvas';
import type { CanvasActions } from '../canvas/canvas-context';
import { graphToFlow } from '../editor-core';
import { hrefFor, navigate } from '../router';

function ExitTotals({ journeyId, version }: { journeyId: string; version: number }) {
  const { data } = useJourneyStats(journeyId, version);
  const entries = Object.entries(data?.exits ?? {});
  const ended = Object.entries(data?.ended ?? {});
  if (!entries.length && !ended.length) return <span className="muted">No exits yet</span>;
  return (
    <span className="exit-totals" data-testid="exit-totals">
      {entries.map(([outcome, count]) => (
        <span key={outcome} className="exit-chip">
          {outcome.replace(/_/g, ' ')} <b>{count.toLocaleString()}</b>
        </span>
      ))}
      {ended.map(([status, count]) => (
        <span key={status} className="exit-chip" title="Ended without reaching an exit">
          {status.replace(/_/g, ' ')} <b>{count.toLocaleString()}</b>
        </span>
      ))}
    </span>
  );
}

export function VersionPage({ journeyId, version }: { journeyId: string; version: number }) {
  const journey = useJourney(journeyId);
  const versions = useVersions(journeyId);
  const detail = useVersion(journeyId, version);
  const catalog = useEditorCatalog();
  const lookups = useNameLookups();
  const view = useMemo(
    () => (detail.data && catalog ? graphToFlow(detail.data.graph, catalog, { lookups }) : undefined),
    [detail.data, catalog, lookups],
  );
  const actions: CanvasActions = useMemo(
    () => ({ readOnly: true, insertAt: () => {}, openInsertMenu: () => {}, watch: { journeyId, version } }),
    [journeyId, version],
  );
  if (detail.error)
    return (
      <div className="page-message error">
        Could not load version {version}: {detail.error.message}
      </div>
    );
  return (
    <div className="editor">
      <div className="toolbar">
        <a
          className="icon-button"
          href={hrefFor({ page: 'editor', journeyId })}
          aria-label="Back to the editor"
        >
          <ArrowLeft size={16} />
        </a>
        <div className="toolbar-title">
          <h1>{journey.data?.name ?? 'Journey'}</h1>
          <span className="save-status">
            Version {version}
            {detail.data ? ` · published ${new Date(detail.data.publishedAt).toLocaleString()}` : ''} ·
            read-only
          </span>
        </div>
        <div className="toolbar-actions">
          <ExitTotals journeyId={journeyId} version={version} />
          <select
            aria-label="Version"
            value={version}
            onChange={(e) => navigate({ page: 'version', journeyId, version: Number(e.target.value) })}
          >
            {(versions.data ?? [{ version }]).map((v) => (
              <option key={v.version} value={v.version}>
                Version {v.version}
              </option>
            ))}
          </select>
          <a className="button" href={hrefFor({ page: 'editor', journeyId })}>
            Edit draft
          </a>
        </div>
      </div>
      <div className="editor-body editor-body-readonly">
        <div className="canvas" data-testid="canvas">
          {view ? (
            <JourneyCanvas view={view} actions={actions} />
          ) : (
            <div className="page-message">Loading…</div>
          )}
        </div>
      </div>
    </div>
  );
}
