/**
 * The workspace's fact definitions (docs/audience.md, "Settings"): which events count as activity, login and
 * purchase, the amount property, rolling windows, dormancy stage boundaries and value-tier cut-offs. The API checks
 * the values; its field errors show by their field. Changing the event definitions makes the server rebuild every
 * customer's facts in the background; its status is shown (and polled while it runs). Saving needs `content.edit`
 * (the route's permission); without it the form is shown disabled, saying why.
 */
import { useId, useState } from 'react';
import { FieldRow, numberOrNull } from '../../ui/FieldRow';
import { FormNotes } from '../../ui/FormNotes';
import { ApiError } from '../../api/client';
import {
  useAudienceSettings,
  useFactsRebuild,
  useSaveAudienceSettings,
  useStartFactsRebuild,
  type AudienceSettings,
  type AudienceSettingsInput,
} from '../../api/audience';
import { useAccess } from '../people/access';
import { ErrorText } from '../../ui/ErrorText';
import { SectionPage } from '../../ui/SectionPage';
import { formatDateTime } from '../../ui/format';
import { audienceTabs } from './routes';

export const DEFINITIONS_PERMISSION = 'content.edit';

type Mode = AudienceSettings['activity']['mode'];
interface Draft {
  activityMode: Mode;
  activityEvents: string[];
  loginEvents: string[];
  purchaseEvents: string[];
  amountProperty: string;
  allowRefunds: boolean;
  windowsDays: string;
  stages: [string, string, string, string];
  highMin: string;
  midMin: string;
}

const draftOf = (s: AudienceSettings): Draft => ({
  activityMode: s.activity.mode,
  activityEvents: s.activity.events,
  loginEvents: s.loginEvents,
  purchaseEvents: s.purchaseEvents,
  amountProperty: s.amountProperty,
  allowRefunds: s.allowRefunds,
  windowsDays: s.windowsDays.join(', '),
  stages: [0, 1, 2, 3].map((i) => String(s.dormancyStagesDays[i] ?? '')) as Draft['stages'],
  highMin: String(s.valueTier.highMin),
  midMin: String(s.valueTier.midMin),
});

export function bodyOf(draft: Draft): AudienceSettingsInput {
  return {
    activity: { mode: draft.activityMode, events: draft.activityEvents },
    loginEvents: draft.loginEvents,
    purchaseEvents: draft.purchaseEvents,
    amountProperty: draft.amountProperty.trim(),
    allowRefunds: draft.allowRefunds,
    windowsDays: draft.windowsDays
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map(numberOrNull),
    dormancyStagesDays: draft.stages.map(numberOrNull),
    valueTier: { highMin: numberOrNull(draft.highMin), midMin: numberOrNull(draft.midMin) },
  };
}

type Field =
  | 'activityMode'
  | 'activityEvents'
  | 'loginEvents'
  | 'purchaseEvents'
  | 'amountProperty'
  | 'allowRefunds'
  | 'windowsDays'
  | 'stages'
  | 'highMin'
  | 'midMin'
  | 'valueTier';

const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}.`);
/** Which field an issue of the server (`body.activity.events.0`, `body.valueTier`…) belongs to. */
const fieldMatchers: Record<Field, (path: string) => boolean> = {
  activityEvents: (p) => under(p, 'body.activity.events'),
  activityMode: (p) => under(p, 'body.activity') && !under(p, 'body.activity.events'),
  loginEvents: (p) => under(p, 'body.loginEvents'),
  purchaseEvents: (p) => under(p, 'body.purchaseEvents'),
  amountProperty: (p) => under(p, 'body.amountProperty'),
  allowRefunds: (p) => under(p, 'body.allowRefunds'),
  windowsDays: (p) => under(p, 'body.windowsDays'),
  stages: (p) => under(p, 'body.dormancyStagesDays'),
  highMin: (p) => under(p, 'body.valueTier.highMin'),
  midMin: (p) => under(p, 'body.valueTier.midMin'),
  valueTier: (p) => p === 'body.valueTier',
};

/** Event names as chips: type a name and press Enter or a comma (pasting "a, b" adds both); Backspace removes the last. */
function ChipInput({
  id,
  label,
  values,
  onChange,
  invalid,
}: {
  id: string;
  label: string;
  values: string[];
  onChange: (next: string[]) => void;
  invalid: object;
}) {
  const [text, setText] = useState('');
  const commit = (raw: string) => {
    const names = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const added = names.filter((n, i) => !values.includes(n) && names.indexOf(n) === i);
    if (added.length > 0) onChange([...values, ...added]);
    setText('');
  };
  return (
    <div className="chip-input">
      {values.length > 0 ? (
        <ul className="chip-choices" aria-label={`${label}: chosen`}>
          {values.map((v) => (
            <li key={v} className="chip-choice">
              {v}
              <button
                type="button"
                className="link-button"
                aria-label={`Remove ${v} from ${label}`}
                onClick={() => onChange(values.filter((x) => x !== v))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <input
        id={id}
        value={text}
        placeholder="Add an event name"
        onChange={(e) => {
          const value = e.target.value;
          if (value.includes(',')) commit(value);
          else setText(value);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            // Enter adds the name; it must not submit the form.
            e.preventDefault();
            commit(text);
          } else if (e.key === 'Backspace' && text === '' && values.length > 0) onChange(values.slice(0, -1));
        }}
        onBlur={() => commit(text)}
        {...invalid}
      />
    </div>
  );
}

export function DefinitionsPage() {
  const settings = useAudienceSettings();
  return (
    <SectionPage title="Audience" tabs={audienceTabs({ page: 'definitions' })}>
      <ErrorText error={settings.error} what="load the fact definitions" />
      <RebuildStatus />
      {settings.data ? (
        <DefinitionsForm settings={settings.data} />
      ) : settings.isPending ? (
        <div className="muted">Loading…</div>
      ) : null}
    </SectionPage>
  );
}

export function DefinitionsForm({ settings }: { settings: AudienceSettings }) {
  const access = useAccess();
  const save = useSaveAudienceSettings();
  const [draft, setDraft] = useState<Draft>(() => draftOf(settings));
  const base = useId();
  const id = (field: string) => `${base}-${field}`;
  const reason = access.loading ? undefined : access.reason(DEFINITIONS_PERMISSION);
  const allowed = !access.loading && access.can(DEFINITIONS_PERMISSION);

  const issues = save.error instanceof ApiError ? save.error.issues : [];
  const issueFor = (field: Field) => issues.find((i) => fieldMatchers[field](i.path))?.message;
  const fields = Object.keys(fieldMatchers) as Field[];
  const otherError = save.error && !fields.some((f) => issueFor(f)) ? save.error.message : undefined;
  const invalid = (field: Field, errorId = id(field)) =>
    issueFor(field) ? { 'aria-invalid': true, 'aria-describedby': `${errorId}-error` } : {};
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const setStage = (i: number, value: string) =>
    setDraft((d) => ({ ...d, stages: d.stages.map((s, j) => (j === i ? value : s)) as Draft['stages'] }));
  const stageLabels = [
    'Active: up to (days)',
    'Dormant 1–3 months: up to',
    'Dormant 3–6 months: up to',
    'Dormant 6–12 months: up to',
  ];

  return (
    <form
      className="aud-card"
      aria-label="Fact definitions"
      onSubmit={(e) => {
        e.preventDefault();
        if (allowed) save.mutate(bodyOf(draft));
      }}
    >
      <fieldset className="field-group" disabled={!allowed || save.isPending}>
        <legend>Events</legend>
        <div className="fields-grid">
          <FieldRow id={id('activityMode')} label="Activity is" error={issueFor('activityMode')}>
            <select
              id={id('activityMode')}
              value={draft.activityMode}
              onChange={(e) => set('activityMode', e.target.value as Mode)}
              {...invalid('activityMode')}
            >
              <option value="all_except">every event except those listed</option>
              <option value="only">only the events listed</option>
            </select>
          </FieldRow>
          <FieldRow
            id={id('activityEvents')}
            label={draft.activityMode === 'only' ? 'Activity events' : 'Not activity'}
            hint={
              draft.activityMode === 'only'
                ? 'Events that count as the customer being active'
                : 'E.g. message receipts: they happen to the customer, not by them'
            }
            error={issueFor('activityEvents')}
          >
            <ChipInput
              id={id('activityEvents')}
              label="Activity events"
              values={draft.activityEvents}
              onChange={(v) => set('activityEvents', v)}
              invalid={invalid('activityEvents')}
            />
          </FieldRow>
          <FieldRow id={id('loginEvents')} label="Login events" error={issueFor('loginEvents')}>
            <ChipInput
              id={id('loginEvents')}
              label="Login events"
              values={draft.loginEvents}
              onChange={(v) => set('loginEvents', v)}
              invalid={invalid('loginEvents')}
            />
          </FieldRow>
          <FieldRow id={id('purchaseEvents')} label="Purchase events" error={issueFor('purchaseEvents')}>
            <ChipInput
              id={id('purchaseEvents')}
              label="Purchase events"
              values={draft.purchaseEvents}
              onChange={(v) => set('purchaseEvents', v)}
              invalid={invalid('purchaseEvents')}
            />
          </FieldRow>
          <FieldRow
            id={id('amountProperty')}
            label="Amount property"
            hint="Dot path in a purchase's properties, e.g. amount or order.total"
            error={issueFor('amountProperty')}
          >
            <input
              id={id('amountProperty')}
              value={draft.amountProperty}
              onChange={(e) => set('amountProperty', e.target.value)}
              {...invalid('amountProperty')}
            />
          </FieldRow>
          <FieldRow
            id={id('allowRefunds')}
            label="Allow refunds"
            hint="A purchase with a negative amount is a refund; when off, ingest refuses it"
            error={issueFor('allowRefunds')}
          >
            <input
              id={id('allowRefunds')}
              type="checkbox"
              checked={draft.allowRefunds}
              onChange={(e) => set('allowRefunds', e.target.checked)}
              {...invalid('allowRefunds')}
            />
          </FieldRow>
        </div>
        <p className="muted small">
          Changing events, the amount property or refunds rebuilds every customer’s facts from the event log.
        </p>
      </fieldset>

      <fieldset className="field-group" disabled={!allowed || save.isPending}>
        <legend>Windows, stages and tiers</legend>
        <FieldRow
          id={id('windowsDays')}
          label="Rolling windows (days)"
          hint="Comma-separated, e.g. 30, 90, 180, 365"
          error={issueFor('windowsDays')}
        >
          <input
            id={id('windowsDays')}
            inputMode="numeric"
            value={draft.windowsDays}
            onChange={(e) => set('windowsDays', e.target.value)}
            {...invalid('windowsDays')}
          />
        </FieldRow>
        <div
          className="fields-grid"
          role="group"
          aria-label="Dormancy stage boundaries"
          {...(issueFor('stages') ? { 'aria-describedby': `${id('stages')}-error` } : {})}
        >
          {stageLabels.map((label, i) => (
            <FieldRow key={label} id={id(`stage${i}`)} label={label} error={undefined}>
              <input
                id={id(`stage${i}`)}
                type="number"
                step="1"
                inputMode="numeric"
                value={draft.stages[i]}
                onChange={(e) => setStage(i, e.target.value)}
                {...invalid('stages', id('stages'))}
              />
            </FieldRow>
          ))}
        </div>
        {issueFor('stages') ? (
          <div className="field-error" id={`${id('stages')}-error`} role="alert">
            {issueFor('stages')}
          </div>
        ) : null}
        <div className="fields-grid" role="group" aria-label="Value tiers">
          <FieldRow
            id={id('highMin')}
            label="High value from R+F+M score"
            hint="3 to 15"
            error={issueFor('highMin')}
          >
            <input
              id={id('highMin')}
              type="number"
              step="1"
              inputMode="numeric"
              value={draft.highMin}
              onChange={(e) => set('highMin', e.target.value)}
              {...invalid('highMin')}
            />
          </FieldRow>
          <FieldRow
            id={id('midMin')}
            label="Mid value from R+F+M score"
            hint="Below this is low value"
            error={issueFor('midMin')}
          >
            <input
              id={id('midMin')}
              type="number"
              step="1"
              inputMode="numeric"
              value={draft.midMin}
              onChange={(e) => set('midMin', e.target.value)}
              {...invalid('midMin')}
            />
          </FieldRow>
        </div>
        {issueFor('valueTier') ? (
          <div className="field-error" role="alert">
            {issueFor('valueTier')}
          </div>
        ) : null}
      </fieldset>

      <div className="toolbar-actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={!allowed || save.isPending}
          title={reason}
        >
          {save.isPending ? 'Saving…' : 'Save definitions'}
        </button>
        {save.isSuccess && !save.isPending ? (
          <span className="muted small" role="status">
            {save.data.rebuild ? 'Saved. Facts are being rebuilt with the new definitions.' : 'Saved.'}
          </span>
        ) : null}
      </div>
      <FormNotes reason={reason} otherError={otherError} />
    </form>
  );
}

/** The latest facts rebuild: running (polled), done with how many customers changed, or failed with a retry. */
function RebuildStatus() {
  const rebuild = useFactsRebuild();
  const start = useStartFactsRebuild();
  const access = useAccess();
  const r = rebuild.data;
  if (!r) return null;
  if (r.status === 'running') {
    return (
      <div className="callout callout-warn" role="status" aria-label="Facts rebuild">
        Rebuilding facts from the event log…
        {r.customersScanned !== null
          ? ` ${r.customersScanned.toLocaleString()} customers checked, ${(r.customersUpdated ?? 0).toLocaleString()} updated so far.`
          : ''}
      </div>
    );
  }
  if (r.status === 'completed') {
    return (
      <p className="muted small" role="status" aria-label="Facts rebuild">
        Facts rebuilt {formatDateTime(r.finishedAt)}: {(r.customersUpdated ?? 0).toLocaleString()} customers
        updated.
      </p>
    );
  }
  const reason = access.loading ? undefined : access.reason(DEFINITIONS_PERMISSION);
  return (
    <div className="callout callout-error" role="status" aria-label="Facts rebuild">
      The last facts rebuild did not finish ({formatDateTime(r.finishedAt)}): some customers’ facts may still
      follow the old definitions.{' '}
      <button
        type="button"
        className="button"
        disabled={Boolean(reason) || access.loading || start.isPending}
        title={reason}
        onClick={() => start.mutate()}
      >
        Rebuild again
      </button>
      <ErrorText error={start.error} what="start the rebuild" />
    </div>
  );
}
