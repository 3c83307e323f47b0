/** Find runs: by journey, version, customer, status and outcome; newest first, a page at a time. */
import { useState } from 'react';
import { Download, Search } from 'lucide-react';
import { useJourneys } from '../../api/journeys';
import { useVersions } from '../../api/versions';
import { StepName } from '../../components/StepName';
import { asRunStatus, runStatuses, useFindCustomers, useRuns, type RunFilters } from '../../api/review';
import { runsToCsv } from '@wakeflow/journey';
import { downloadText } from './csv';
import { formatDateTime, humanise } from './format';
import { runHref, runsHref } from './routes';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function setFilters(filters: RunFilters): void {
  window.location.hash = runsHref(filters);
}

function CustomerFilter({ filters }: { filters: RunFilters }) {
  const [text, setText] = useState('');
  const find = useFindCustomers();
  const [note, setNote] = useState<string>();
  const apply = async () => {
    const q = text.trim();
    setNote(undefined);
    if (!q) return setFilters({ ...filters, customerId: undefined });
    if (UUID.test(q)) return setFilters({ ...filters, customerId: q });
    const matches = await find.mutateAsync(q).catch(() => []);
    const exact = matches.find((c) => c.externalId === q) ?? (matches.length === 1 ? matches[0] : undefined);
    if (exact) setFilters({ ...filters, customerId: exact.id });
    else
      setNote(matches.length ? `${matches.length} customers match; type the exact id` : 'No such customer');
  };
  return (
    <form
      className="filter-field"
      onSubmit={(e) => {
        e.preventDefault();
        void apply();
      }}
    >
      <label htmlFor="run-customer">Customer</label>
      <div className="input-with-button">
        <input
          id="run-customer"
          placeholder="External id or email"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" className="icon-button" aria-label="Find customer">
          <Search size={14} />
        </button>
      </div>
      {note ? <span className="field-error">{note}</span> : null}
      {filters.customerId ? (
        <span className="filter-chip">
          customer {filters.customerId.slice(0, 8)}…
          <button
            type="button"
            className="link-button"
            onClick={() => setFilters({ ...filters, customerId: undefined })}
          >
            clear
          </button>
        </span>
      ) : null}
    </form>
  );
}

export function RunsPage({ filters }: { filters: RunFilters }) {
  const journeys = useJourneys();
  const versions = useVersions(filters.journeyId ?? '');
  const [pages, setPages] = useState<string[]>([]);
  const before = pages.at(-1);
  const runs = useRuns({ ...filters, limit: 50, ...(before ? { before } : {}) });
  const journeyName = (id: string) => journeys.data?.find((j) => j.id === id)?.name ?? id.slice(0, 8);
  const rows = (runs.data ?? []).map((r) => ({ ...r, journeyName: journeyName(r.journeyId) }));
  const [outcome, setOutcome] = useState(filters.outcome ?? '');

  return (
    <div className="wf-page">
      <div className="wf-page-header">
        <div>
          <h1>Runs</h1>
          <p className="muted">
            Every customer's way through a journey. Open one to see its path, its waits and the signals it
            got.
          </p>
        </div>
        <button
          type="button"
          className="button"
          disabled={!rows.length}
          onClick={() => downloadText('runs.csv', runsToCsv(rows))}
        >
          <Download size={14} /> Export CSV
        </button>
      </div>
      <div className="filter-bar" data-testid="run-filters">
        <div className="filter-field">
          <label htmlFor="run-journey">Journey</label>
          <select
            id="run-journey"
            value={filters.journeyId ?? ''}
            onChange={(e) =>
              setFilters({ ...filters, journeyId: e.target.value || undefined, version: undefined })
            }
          >
            <option value="">All journeys</option>
            {(journeys.data ?? []).map((j) => (
              <option key={j.id} value={j.id}>
                {j.name}
              </option>
            ))}
          </select>
        </div>
        <div className="filter-field">
          <label htmlFor="run-version">Version</label>
          <select
            id="run-version"
            value={filters.version ?? ''}
            disabled={!filters.journeyId}
            onChange={(e) =>
              setFilters({ ...filters, version: e.target.value ? Number(e.target.value) : undefined })
            }
          >
            <option value="">All versions</option>
            {(filters.journeyId ? (versions.data ?? []) : []).map((v) => (
              <option key={v.version} value={v.version}>
                Version {v.version}
              </option>
            ))}
          </select>
        </div>
        <CustomerFilter filters={filters} />
        <div className="filter-field">
          <label htmlFor="run-status">Status</label>
          <select
            id="run-status"
            value={filters.status ?? ''}
            onChange={(e) => setFilters({ ...filters, status: asRunStatus(e.target.value) })}
          >
            <option value="">Any status</option>
            {runStatuses.map((s) => (
              <option key={s} value={s}>
                {humanise(s)}
              </option>
            ))}
          </select>
        </div>
        <form
          className="filter-field"
          onSubmit={(e) => {
            e.preventDefault();
            setFilters({ ...filters, outcome: outcome.trim() || undefined });
          }}
        >
          <label htmlFor="run-outcome">Outcome</label>
          <input
            id="run-outcome"
            placeholder="e.g. reactivated"
            value={outcome}
            onChange={(e) => setOutcome(e.target.value)}
            onBlur={() => setFilters({ ...filters, outcome: outcome.trim() || undefined })}
          />
        </form>
      </div>
      {runs.error ? (
        <div className="page-message error">Could not load runs: {runs.error.message}</div>
      ) : null}
      <table className="wf-table" data-testid="runs-table">
        <thead>
          <tr>
            <th>Customer</th>
            <th>Journey</th>
            <th>Status</th>
            <th>Outcome</th>
            <th>Now at</th>
            <th>Started</th>
            <th>Ended</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td>
                <a href={runHref(r.id)}>{r.customerExternalId}</a>
                {r.holdout ? <span className="tag tag-muted">holdout</span> : null}
              </td>
              <td>
                {r.journeyName} <span className="muted">v{r.version}</span>
              </td>
              <td>
                <span className={`run-status run-status-${r.status}`}>{humanise(r.status)}</span>
                {r.endedReason ? <span className="muted run-ended-reason">{r.endedReason}</span> : null}
              </td>
              <td>{r.outcome ? humanise(r.outcome) : <span className="muted">—</span>}</td>
              <td className="muted">
                {/* A run that ended without an exit stays at the step where it stopped. */}
                {(r.status === 'running' || r.endedReason) && r.currentNodeId ? (
                  <StepName journeyId={r.journeyId} version={r.version} nodeId={r.currentNodeId} />
                ) : (
                  '—'
                )}
              </td>
              <td>{formatDateTime(r.startedAt)}</td>
              <td>{formatDateTime(r.endedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {runs.isPending ? <div className="page-message">Loading…</div> : null}
      {runs.data && !rows.length ? <div className="empty-state">No runs match these filters.</div> : null}
      <div className="pager">
        <button
          type="button"
          className="button"
          disabled={!pages.length}
          onClick={() => setPages((p) => p.slice(0, -1))}
        >
          Newer
        </button>
        <button
          type="button"
          className="button"
          disabled={(runs.data?.length ?? 0) < 50}
          onClick={() => setPages((p) => [...p, rows.at(-1)!.startedAt])}
        >
          Older
        </button>
      </div>
    </div>
  );
}
