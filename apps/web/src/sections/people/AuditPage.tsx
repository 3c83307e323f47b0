/** The audit log: who did what to which entity and when, filterable, newest first, a page at a time. */
import { Fragment, useState } from 'react';
import { Download } from 'lucide-react';
import { useAudit, type AuditEntry, type AuditFilters } from '../../api/people';
import { downloadText, toCsv, type CsvColumn } from '../review/csv';
import { formatDateTime } from '../review/format';
import { useAccess } from './access';
import { useActorName } from './actors';
import { auditEntityLabel } from './audit-entities';
import { useJourneys } from '../../api/journeys';
import { useMessageTemplates, useSegments } from '../../api/lookups';

const knownActions = [
  'journey.created',
  'journey.changed',
  'journey.draft_saved',
  'journey.published',
  'journey.paused',
  'journey.resumed',
  'journey.stopped',
  'journey.archived',
  'journey.duplicated',
  'journey.test_sent',
  'run.removed',
  'test_recipient.added',
  'test_recipient.removed',
  'publish.requested',
  'publish.approved',
  'publish.rejected',
  'workspace.settings_changed',
  'person.added',
  'person.roles_changed',
  'person.removed',
  'api_key.created',
  'api_key.revoked',
  'session.signed_in',
  'session.signed_out',
  'user.password_changed',
  'user.password_reset',
];

function localToIso(value: string): string | undefined {
  return value ? new Date(value).toISOString() : undefined;
}

function EntityCell({ kind, name, id }: { kind: string; name?: string; id: string }) {
  return name ? (
    <span title={id}>
      {kind} “{name}”
    </span>
  ) : (
    <>
      {kind} <span className="muted mono">{id}</span>
    </>
  );
}

export function AuditPage() {
  const access = useAccess();
  const reason = access.reason('audit.read');
  const actorName = useActorName();
  const journeys = useJourneys();
  const templates = useMessageTemplates();
  const segments = useSegments();
  const entityNames = {
    journey: (id: string) => journeys.data?.find((j) => j.id === id)?.name,
    template: (id: string) => templates.data?.find((t) => t.id === id)?.name,
    segment: (id: string) => segments.data?.find((g) => g.id === id)?.name,
  };
  const [draft, setDraft] = useState({
    actor: '',
    action: '',
    entityType: '',
    entityId: '',
    from: '',
    to: '',
  });
  const [filters, setFilters] = useState<AuditFilters>({});
  const [open, setOpen] = useState<number>();
  const audit = useAudit(filters, !reason && !access.loading);
  const entries = audit.data?.entries ?? [];
  const columns: CsvColumn<AuditEntry>[] = [
    { header: 'id', value: (e) => e.id },
    { header: 'at', value: (e) => e.at },
    { header: 'actor', value: (e) => e.actor },
    { header: 'actor name', value: (e) => actorName(e.actor) },
    { header: 'action', value: (e) => e.action },
    { header: 'entity type', value: (e) => e.entityType },
    { header: 'entity id', value: (e) => e.entityId },
    {
      header: 'before',
      value: (e) => (e.before === null || e.before === undefined ? '' : JSON.stringify(e.before)),
    },
    {
      header: 'after',
      value: (e) => (e.after === null || e.after === undefined ? '' : JSON.stringify(e.after)),
    },
  ];
  if (reason) return <p className="muted notice">{reason}. Reviewers and admins read the audit log.</p>;
  const set = (key: keyof typeof draft) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [key]: e.target.value }));
  return (
    <div className="wf-stack">
      <form
        className="filter-bar"
        aria-label="Filter the audit log"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters({
            ...(draft.actor ? { actor: draft.actor } : {}),
            ...(draft.action ? { action: draft.action } : {}),
            ...(draft.entityType ? { entityType: draft.entityType } : {}),
            ...(draft.entityId ? { entityId: draft.entityId } : {}),
            ...(draft.from ? { from: localToIso(draft.from) } : {}),
            ...(draft.to ? { to: localToIso(draft.to) } : {}),
          });
        }}
      >
        <div className="filter-field">
          <label htmlFor="audit-action">Action</label>
          <input
            id="audit-action"
            list="audit-actions"
            value={draft.action}
            onChange={set('action')}
            placeholder="any"
          />
          <datalist id="audit-actions">
            {knownActions.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </div>
        <div className="filter-field">
          <label htmlFor="audit-actor">Actor</label>
          <input
            id="audit-actor"
            value={draft.actor}
            onChange={set('actor')}
            placeholder="user:…, api_key:…, local"
          />
        </div>
        <div className="filter-field">
          <label htmlFor="audit-entity-type">Entity</label>
          <input
            id="audit-entity-type"
            value={draft.entityType}
            onChange={set('entityType')}
            placeholder="journey, user…"
          />
        </div>
        <div className="filter-field">
          <label htmlFor="audit-entity-id">Entity id</label>
          <input id="audit-entity-id" value={draft.entityId} onChange={set('entityId')} />
        </div>
        <div className="filter-field">
          <label htmlFor="audit-from">From</label>
          <input id="audit-from" type="datetime-local" value={draft.from} onChange={set('from')} />
        </div>
        <div className="filter-field">
          <label htmlFor="audit-to">To</label>
          <input id="audit-to" type="datetime-local" value={draft.to} onChange={set('to')} />
        </div>
        <div className="filter-actions">
          <button type="submit" className="button button-primary">
            Filter
          </button>
          <button
            type="button"
            className="button"
            disabled={!entries.length}
            onClick={() => downloadText('audit-log.csv', toCsv(entries, columns))}
          >
            <Download size={14} /> CSV
          </button>
        </div>
      </form>
      {audit.error ? <div className="page-message error">{audit.error.message}</div> : null}
      <table className="wf-table" data-testid="audit-table">
        <thead>
          <tr>
            <th>When</th>
            <th>Who</th>
            <th>Action</th>
            <th>Entity</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <Fragment key={e.id}>
              <tr>
                <td className="small">{formatDateTime(e.at)}</td>
                <td>{actorName(e.actor)}</td>
                <td>
                  <span className="tag mono">{e.action}</span>
                </td>
                <td className="small">
                  <EntityCell {...auditEntityLabel(e.entityType, e.entityId, entityNames)} />
                </td>
                <td>
                  {e.before !== null || e.after !== null ? (
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => setOpen(open === e.id ? undefined : e.id)}
                    >
                      {open === e.id ? 'Hide' : 'Details'}
                    </button>
                  ) : null}
                </td>
              </tr>
              {open === e.id ? (
                <tr className="audit-details">
                  <td colSpan={5}>
                    <div className="before-after">
                      <div>
                        <b>Before</b>
                        <pre>{JSON.stringify(e.before, null, 2)}</pre>
                      </div>
                      <div>
                        <b>After</b>
                        <pre>{JSON.stringify(e.after, null, 2)}</pre>
                      </div>
                    </div>
                  </td>
                </tr>
              ) : null}
            </Fragment>
          ))}
        </tbody>
      </table>
      {audit.data && !entries.length ? <div className="empty-state">No entries match.</div> : null}
      <div className="pager">
        <button
          type="button"
          className="button"
          disabled={!filters.before}
          onClick={() => setFilters(({ before: _, ...rest }) => rest)}
        >
          Newest
        </button>
        <button
          type="button"
          className="button"
          disabled={!audit.data?.nextBefore}
          onClick={() => setFilters((f) => ({ ...f, before: audit.data!.nextBefore! }))}
        >
          Older
        </button>
      </div>
    </div>
  );
}
