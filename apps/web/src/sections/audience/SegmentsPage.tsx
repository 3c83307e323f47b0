/**
 * Segments: the saved list, and the builder — a condition tree with a live count and sample (debounced
 * `POST /api/segments/preview`), problems shown on the node they name, save and update.
 */
import { useEffect, useMemo, useState } from 'react';
import { ArrowLeft, Plus } from 'lucide-react';
import type { Condition } from '@wakeflow/journey';
import { ApiError } from '../../api/client';
import {
  useConditionFields,
  useDeleteSegment,
  useSaveSegment,
  useSavedSegment,
  useSavedSegments,
  useSegmentPreview,
} from '../../api/audience';
import { useEventNames } from '../../api/lookups';
import { customerName } from './common';
import { DeleteButton } from '../../ui/DeleteButton';
import { DeleteRefused } from '../../ui/DeleteRefused';
import { ErrorText } from '../../ui/ErrorText';
import { ListTable } from '../../ui/ListTable';
import { SectionPage } from '../../ui/SectionPage';
import { daysAgo, formatDateTime } from '../../ui/format';
import { useDebounced } from '../../ui/useDebounced';
import { ConditionEditor } from './ConditionEditor';
import { countLeaves, newCondition, problemsByNode, tierLabels } from './condition-tree';
import { audienceHref, audienceTabs } from './routes';

export function SegmentsPage() {
  const segments = useSavedSegments();
  return (
    <SectionPage
      title="Audience"
      tabs={audienceTabs({ page: 'segments' })}
      actions={
        <a className="button button-primary" href={audienceHref({ page: 'segment', id: null })}>
          <Plus size={14} /> New segment
        </a>
      }
    >
      <ListTable
        label="Segments"
        rows={segments.data}
        error={segments.error}
        empty={{
          title: 'No segments yet.',
          text: 'A segment is a saved condition — “no login for 30 days and high value” — that journeys start from and branch on.',
          href: audienceHref({ page: 'segment', id: null }),
          action: 'Build your first segment',
        }}
        columns={[
          { label: 'Name', cell: (s) => <a href={audienceHref({ page: 'segment', id: s.id })}>{s.name}</a> },
          { label: 'Id (used by journeys)', cell: (s) => <code>{s.id}</code> },
          { label: 'Last changed', cell: (s) => formatDateTime(s.updatedAt) },
        ]}
      />
    </SectionPage>
  );
}

/** A segment id from its name, as the server would make it (lower-case words joined by -). */
export function segmentSlug(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
}

const starter = (): Condition => ({ kind: 'and', conditions: [newCondition('trait')] });

export function SegmentBuilderPage({ id }: { id: string | null }) {
  const saved = useSavedSegment(id ?? undefined);
  return (
    <SectionPage title="Audience" tabs={audienceTabs({ page: 'segment', id })}>
      <a className="back-link" href={audienceHref({ page: 'segments' })}>
        <ArrowLeft size={14} /> All segments
      </a>
      <ErrorText error={saved.error} what="load this segment" />
      {id && !saved.data ? (
        saved.isPending ? (
          <div className="page-message">Loading segment…</div>
        ) : null
      ) : (
        <SegmentBuilder
          key={id ?? 'new'}
          id={id}
          initialName={saved.data?.name ?? ''}
          initialDefinition={saved.data?.definition ?? starter()}
        />
      )}
    </SectionPage>
  );
}

export function SegmentBuilder({
  id,
  initialName,
  initialDefinition,
}: {
  id: string | null;
  initialName: string;
  initialDefinition: Condition;
}) {
  const [name, setName] = useState(initialName);
  const [newId, setNewId] = useState('');
  const [idTouched, setIdTouched] = useState(false);
  const [definition, setDefinition] = useState<Condition>(initialDefinition);
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const fields = useConditionFields();
  const segments = useSavedSegments();
  const events = useEventNames();
  const settled = useDebounced(definition, 400);
  const preview = useSegmentPreview(settled, id ?? undefined);
  const save = useSaveSegment();
  const remove = useDeleteSegment();
  const dirty = name !== initialName || JSON.stringify(definition) !== JSON.stringify(initialDefinition);
  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the "saved" note goes once the form differs again
    if (dirty) setSavedAt(null);
  }, [dirty]);

  const previewIssues = useMemo(
    () => (preview.error instanceof ApiError ? preview.error.issues : []),
    [preview.error],
  );
  const saveIssues = useMemo(
    () =>
      save.error instanceof ApiError
        ? save.error.issues.filter((i) => !i.path.startsWith('body.name') && i.path !== 'body.id')
        : [],
    [save.error],
  );
  const problems = useMemo(
    () => problemsByNode(save.isError ? saveIssues : previewIssues),
    [previewIssues, saveIssues, save.isError],
  );
  const nameIssue =
    save.error instanceof ApiError
      ? save.error.issues.find((i) => i.path.startsWith('body.name'))?.message
      : undefined;
  const idIssue =
    save.error instanceof ApiError
      ? (save.error.issues.find((i) => i.path === 'body.id')?.message ??
        (save.error.status === 409 ? save.error.message : undefined))
      : undefined;
  const previewStale = settled !== definition || preview.isFetching;

  const submit = async () => {
    const result = await save
      .mutateAsync({
        ...(id ? { id } : newId.trim() ? { newId: newId.trim() } : {}),
        name: name.trim(),
        definition,
      })
      .catch(() => null);
    if (!result) return;
    setSavedAt(result.segment.updatedAt);
    if (!id) window.location.hash = audienceHref({ page: 'segment', id: result.segment.id });
  };

  return (
    <div className="builder">
      <div className="builder-main">
        <div className="field">
          <label className="field-label" htmlFor="segment-name">
            Segment name
          </label>
          <input
            id="segment-name"
            value={name}
            placeholder="e.g. High value, no login for 30 days"
            onChange={(e) => {
              setName(e.target.value);
              if (!id && !idTouched) setNewId(segmentSlug(e.target.value));
            }}
          />
          {nameIssue ? <div className="field-error">{nameIssue}</div> : null}
          {id ? (
            <div className="field-hint">
              Journeys refer to it as <code>{id}</code>.
            </div>
          ) : null}
        </div>
        {!id ? (
          <div className="field">
            <label className="field-label" htmlFor="segment-id">
              Id
            </label>
            <input
              id="segment-id"
              value={newId}
              placeholder="made from the name"
              onChange={(e) => {
                setIdTouched(true);
                setNewId(e.target.value);
              }}
            />
            <div className="field-hint">
              Journeys refer to the segment by this id; it cannot change later.
            </div>
            {idIssue ? <div className="field-error">{idIssue}</div> : null}
          </div>
        ) : null}
        <div className="field-label">Customers who match</div>
        <ConditionEditor
          value={definition}
          onChange={(next) => {
            save.reset();
            setDefinition(next);
          }}
          context={{
            fields: fields.data ?? [],
            segments: (segments.data ?? []).filter((s) => s.id !== id),
            eventNames: events.data ?? [],
            problems,
          }}
        />
        <ErrorText error={fields.error} what="load the fields" />
        <div className="builder-footer">
          <button
            type="button"
            className="button button-primary"
            disabled={save.isPending || !name.trim() || (!dirty && Boolean(id))}
            onClick={() => void submit()}
          >
            {id ? 'Save changes' : 'Save segment'}
          </button>
          {!name.trim() ? <span className="muted small">Name the segment to save it.</span> : null}
          {savedAt && !dirty ? <span className="text-ok small">Saved.</span> : null}
          {save.error && !(save.error instanceof ApiError && save.error.issues.length) ? (
            <span className="text-danger small">Could not save: {save.error.message}</span>
          ) : null}
          {save.error instanceof ApiError && save.error.issues.length ? (
            <span className="text-danger small">Not saved: fix the problems marked above.</span>
          ) : null}
          <span className="spacer" />
          {id ? (
            <DeleteButton
              what={`segment “${name}”`}
              pending={remove.isPending}
              onDelete={(options) => remove.mutate(id, options)}
              then={audienceHref({ page: 'segments' })}
            />
          ) : null}
        </div>
        <DeleteRefused error={remove.error} />
      </div>
      <aside className="builder-preview aud-card" aria-label="Live preview" aria-busy={previewStale}>
        <div className="preview-count">
          {preview.data && !preview.isError ? (
            <>
              <span className="preview-number" data-testid="segment-count">
                {preview.data.count.toLocaleString()}
              </span>
              <span className="muted">
                {preview.data.count === 1 ? 'customer matches' : 'customers match'}
                {previewStale ? ' (updating…)' : ''}
              </span>
            </>
          ) : preview.isError ? (
            <span className="text-danger">
              {previewIssues.length
                ? 'Fix the marked conditions to see a count.'
                : `Could not count: ${preview.error.message}`}
            </span>
          ) : (
            <span className="muted">Counting…</span>
          )}
        </div>
        {preview.data && !preview.isError ? (
          <div className="muted small">Counted in {preview.data.tookMs} ms</div>
        ) : null}
        {countLeaves(definition) === 0 ? (
          <div className="muted small">Add a condition to narrow the audience.</div>
        ) : null}
        {preview.data && !preview.isError && preview.data.sample.length ? (
          <>
            <h4>Sample</h4>
            <ul className="sample-list" aria-label="Sample customers">
              {preview.data.sample.map((c) => (
                <li key={c.id}>
                  <a href={audienceHref({ page: 'customer', id: c.id })}>{customerName(c)}</a>
                  <span className="muted small">
                    {c.valueTier ? tierLabels[c.valueTier] : 'not scored'} · active{' '}
                    {daysAgo(c.lastActivityAt)}
                  </span>
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </aside>
    </div>
  );
}
