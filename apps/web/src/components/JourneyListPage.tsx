/**
 * The journeys of the workspace with their status, live version, entered and reactivated to date and tags (archived
 * ones behind "Show archived"); search and filters by status and tag; duplicate and archive; and "New journey" from
 * scratch or from a template.
 */
import { useState } from 'react';
import { Archive, Copy, Plus } from 'lucide-react';
import { useJourneyTemplates } from '../api/catalog';
import { useCreateJourney, useJourneys } from '../api/journeys';
import { useDuplicateJourney, useLifecycleAction } from '../api/launch';
import { JOURNEY_LIFECYCLES } from '@wakeflow/journey';
import { LIFECYCLE_LABELS, LifecycleBadge } from './LaunchControls';
import { filterJourneys, noJourneyFilter, tagsOf, type JourneyListFilter } from './journey-list-filter';
import { hrefFor, navigate } from '../router';
import { Dialog, DialogFooter } from '../ui/Dialog';

export function JourneyListPage() {
  const [archived, setArchived] = useState(false);
  const journeys = useJourneys(archived);
  const [creating, setCreating] = useState(false);
  const duplicate = useDuplicateJourney();
  const [filter, setFilter] = useState<JourneyListFilter>(noJourneyFilter);
  const all = journeys.data ?? [];
  const shown = filterJourneys(all, filter);
  const tags = tagsOf(all);
  const filtered = filter !== noJourneyFilter && shown.length < all.length;
  return (
    <div className="list-page">
      <div className="list-header">
        <h1>{archived ? 'Archived journeys' : 'Journeys'}</h1>
        <label className="muted small">
          <input type="checkbox" checked={archived} onChange={(e) => setArchived(e.target.checked)} /> Show
          archived
        </label>
        <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
          <Plus size={14} /> New journey
        </button>
      </div>
      {journeys.error ? (
        <div className="page-message error">Could not load journeys: {journeys.error.message}</div>
      ) : null}
      {journeys.data && journeys.data.length === 0 ? (
        <div className="empty-state">
          No journeys yet. Start one from a template: the win-back journey is a good first.
        </div>
      ) : null}
      {all.length ? (
        <div className="list-filters" role="search" aria-label="Find journeys">
          <input
            type="search"
            aria-label="Search journeys"
            placeholder="Search by name, description or tag"
            value={filter.q}
            onChange={(e) => setFilter({ ...filter, q: e.target.value })}
          />
          <select
            aria-label="Status"
            value={filter.status}
            onChange={(e) => setFilter({ ...filter, status: e.target.value })}
          >
            <option value="">Any status</option>
            {JOURNEY_LIFECYCLES.filter((l) => archived === (l === 'archived')).map((l) => (
              <option key={l} value={l}>
                {LIFECYCLE_LABELS[l]}
              </option>
            ))}
          </select>
          <select
            aria-label="Tag"
            value={filter.tag}
            onChange={(e) => setFilter({ ...filter, tag: e.target.value })}
          >
            <option value="">Any tag</option>
            {tags.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
          {filtered ? (
            <span className="muted small" role="status">
              {shown.length} of {all.length} journeys
            </span>
          ) : null}
        </div>
      ) : null}
      {all.length && shown.length === 0 ? <div className="empty-state">No journey matches.</div> : null}
      {shown.length ? (
        <table className="journey-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Status</th>
              <th>Live version</th>
              <th>Entered</th>
              <th title="Share of the customers outside the holdout who came back, to date">Reactivated</th>
              <th>Last changed</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((j) => (
              <tr key={j.id}>
                <td>
                  <a href={hrefFor({ page: 'editor', journeyId: j.id })}>{j.name}</a>
                  {j.description ? <div className="muted small">{j.description}</div> : null}
                  {j.tags.length ? (
                    <div className="journey-tags">
                      {j.tags.map((t) => (
                        <span key={t} className="pill">
                          {t}
                        </span>
                      ))}
                    </div>
                  ) : null}
                </td>
                <td>
                  <LifecycleBadge lifecycle={j.lifecycle ?? j.status} liveVersion={null} />
                </td>
                <td>
                  {j.liveVersion ? (
                    <a href={hrefFor({ page: 'version', journeyId: j.id, version: j.liveVersion })}>
                      Version {j.liveVersion}
                    </a>
                  ) : (
                    '—'
                  )}
                </td>
                <td>{j.entered.toLocaleString()}</td>
                <td>{j.reactivationRate === null ? '—' : `${(j.reactivationRate * 100).toFixed(1)}%`}</td>
                <td>{new Date(j.updatedAt).toLocaleString()}</td>
                <td className="row-actions">
                  <button
                    type="button"
                    className="icon-button"
                    aria-label={`Duplicate ${j.name}`}
                    title="Duplicate as a new draft"
                    disabled={duplicate.isPending}
                    onClick={() =>
                      duplicate.mutate(j.id, {
                        onSuccess: (copy) => navigate({ page: 'editor', journeyId: copy.id }),
                      })
                    }
                  >
                    <Copy size={14} />
                  </button>
                  {j.status !== 'archived' ? <ArchiveButton journeyId={j.id} name={j.name} /> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {creating ? <NewJourneyDialog onClose={() => setCreating(false)} /> : null}
    </div>
  );
}

function ArchiveButton({ journeyId, name }: { journeyId: string; name: string }) {
  const archive = useLifecycleAction(journeyId);
  return (
    <button
      type="button"
      className="icon-button"
      aria-label={`Archive ${name}`}
      title="Archive: hide from this list; customers in it finish their runs"
      disabled={archive.isPending}
      onClick={() => {
        if (window.confirm(`Archive “${name}”? Nobody new enters; customers in it finish their runs.`))
          archive.mutate('archive');
      }}
    >
      <Archive size={14} />
    </button>
  );
}

function NewJourneyDialog({ onClose }: { onClose(): void }) {
  const templates = useJourneyTemplates();
  const create = useCreateJourney();
  const [name, setName] = useState('');
  const [templateId, setTemplateId] = useState<string>('');
  const submit = async () => {
    const template = templates.data?.find((t) => t.id === templateId);
    const journey = await create.mutateAsync({
      name: name.trim() || template?.name || 'Untitled journey',
      ...(templateId ? { templateId } : {}),
    });
    navigate({ page: 'editor', journeyId: journey.id });
  };
  return (
    <Dialog
      titleId="new-journey-title"
      title="New journey"
      className="dialog-wide"
      onClose={onClose}
      onSubmit={() => void submit()}
    >
      <div className="field">
        <label className="field-label" htmlFor="journey-name">
          Name
        </label>
        <input
          id="journey-name"
          autoFocus
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="e.g. Win back: no login for 30 days"
        />
      </div>
      <div className="field-label">Start from</div>
      <div className="template-grid" role="radiogroup" aria-label="Start from">
        <button
          type="button"
          role="radio"
          aria-checked={templateId === ''}
          className={`template-card${templateId === '' ? ' template-card-on' : ''}`}
          onClick={() => setTemplateId('')}
        >
          <b>Empty canvas</b>
          <span>Start with a trigger and build step by step.</span>
        </button>
        {(templates.data ?? []).map((t) => (
          <button
            key={t.id}
            type="button"
            role="radio"
            aria-checked={templateId === t.id}
            className={`template-card${templateId === t.id ? ' template-card-on' : ''}`}
            onClick={() => setTemplateId(t.id)}
          >
            <b>{t.name}</b>
            <span>{t.description}</span>
            <span className="muted small">{t.graph.nodes.length} steps</span>
          </button>
        ))}
      </div>
      {create.error ? <div className="field-error">{create.error.message}</div> : null}
      <DialogFooter onCancel={onClose}>
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          Create journey
        </button>
      </DialogFooter>
    </Dialog>
  );
}
