/**
 * The settings of one split's experiment (docs/measurement.md, "Experiments"): control arm, automatic winner, α,
 * minimum per arm, maximum days, τ as advanced. The API checks the values; its field errors show by their field.
 * Saving needs `journeys.operate` (the route's permission); without it the form is shown disabled, saying why.
 */
import { useId, useState } from 'react';
import { FieldRow, numberOrNull } from '../../ui/FieldRow';
import { FormNotes } from '../../ui/FormNotes';
import { ApiError } from '../../api/client';
import {
  useSaveExperimentSettings,
  type Experiment,
  type ExperimentSettings,
  type ExperimentSettingsInput,
} from '../../api/review';
import { useAccess } from '../people/access';

export const EXPERIMENT_PERMISSION = 'journeys.operate';

type Field = keyof ExperimentSettings;
type Draft = { controlArm: string; autoWinner: boolean } & Record<
  'alpha' | 'tau' | 'minPerArm' | 'maxDays',
  string
>;

const draftOf = (s: ExperimentSettings): Draft => ({
  controlArm: s.controlArm,
  autoWinner: s.autoWinner,
  alpha: String(s.alpha),
  tau: String(s.tau),
  minPerArm: String(s.minPerArm),
  maxDays: String(s.maxDays),
});

export function ExperimentSettingsForm({
  journeyId,
  version,
  experiment,
}: {
  journeyId: string;
  version: number;
  experiment: Experiment;
}) {
  const access = useAccess();
  const save = useSaveExperimentSettings(journeyId, version);
  const [draft, setDraft] = useState<Draft>(() => draftOf(experiment.settings));
  const base = useId();
  const id = (field: Field) => `${base}-${field}`;
  const reason = access.loading ? undefined : access.reason(EXPERIMENT_PERMISSION);
  const allowed = !access.loading && access.can(EXPERIMENT_PERMISSION);

  const issues = save.error instanceof ApiError ? save.error.issues : [];
  const issueFor = (field: Field) => issues.find((i) => i.path === `body.${field}`)?.message;
  const fieldNames: readonly Field[] = ['controlArm', 'autoWinner', 'alpha', 'tau', 'minPerArm', 'maxDays'];
  const otherError = save.error && !fieldNames.some((f) => issueFor(f)) ? save.error.message : undefined;
  const invalid = (field: Field) =>
    issueFor(field) ? { 'aria-invalid': true, 'aria-describedby': `${id(field)}-error` } : {};
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  const submit = () => {
    // Numbers go as typed: the API's schema is the one place that knows the limits.
    const body: ExperimentSettingsInput = {
      controlArm: draft.controlArm,
      autoWinner: draft.autoWinner,
      alpha: numberOrNull(draft.alpha),
      tau: numberOrNull(draft.tau),
      minPerArm: numberOrNull(draft.minPerArm),
      maxDays: numberOrNull(draft.maxDays),
    };
    save.mutate({ splitStepId: experiment.splitStepId, settings: body });
  };

  return (
    <form
      className="experiment-settings"
      aria-label={`Settings of the experiment at ${experiment.splitStepId}`}
      data-testid={`experiment-settings-${experiment.splitStepId}`}
      onSubmit={(e) => {
        e.preventDefault();
        if (allowed) submit();
      }}
    >
      <fieldset className="field-group" disabled={!allowed || save.isPending}>
        <legend>Settings</legend>
        <div className="fields-grid">
          <FieldRow id={id('controlArm')} label="Control arm" error={issueFor('controlArm')}>
            <select
              id={id('controlArm')}
              value={draft.controlArm}
              onChange={(e) => set('controlArm', e.target.value)}
              {...invalid('controlArm')}
            >
              {experiment.arms.map((a) => (
                <option key={a.arm} value={a.arm}>
                  {a.arm}
                  {a.holdout ? ' (holdout)' : ''}
                </option>
              ))}
            </select>
          </FieldRow>
          <FieldRow
            id={id('alpha')}
            label="Significance level (α)"
            hint="Chance of ever naming a false winner; above 0, at most 0.2"
            error={issueFor('alpha')}
          >
            <input
              id={id('alpha')}
              type="number"
              step="any"
              inputMode="decimal"
              value={draft.alpha}
              onChange={(e) => set('alpha', e.target.value)}
              {...invalid('alpha')}
            />
          </FieldRow>
          <FieldRow
            id={id('minPerArm')}
            label="Minimum per arm"
            hint="No decision before every arm has this many entrants"
            error={issueFor('minPerArm')}
          >
            <input
              id={id('minPerArm')}
              type="number"
              step="1"
              inputMode="numeric"
              value={draft.minPerArm}
              onChange={(e) => set('minPerArm', e.target.value)}
              {...invalid('minPerArm')}
            />
          </FieldRow>
          <FieldRow
            id={id('maxDays')}
            label="Maximum days"
            hint="Then the experiment ends without a winner"
            error={issueFor('maxDays')}
          >
            <input
              id={id('maxDays')}
              type="number"
              step="1"
              inputMode="numeric"
              value={draft.maxDays}
              onChange={(e) => set('maxDays', e.target.value)}
              {...invalid('maxDays')}
            />
          </FieldRow>
        </div>
        <label className="toggle">
          <input
            type="checkbox"
            checked={draft.autoWinner}
            onChange={(e) => set('autoWinner', e.target.checked)}
          />{' '}
          Pick the winner automatically
        </label>
        {issueFor('autoWinner') ? <div className="field-error">{issueFor('autoWinner')}</div> : null}
        <details open={Boolean(issueFor('tau'))}>
          <summary>Advanced</summary>
          <FieldRow
            id={id('tau')}
            label="Mixing spread (τ)"
            hint="Spread of the differences the test expects; above 0, at most 1"
            error={issueFor('tau')}
          >
            <input
              id={id('tau')}
              type="number"
              step="any"
              inputMode="decimal"
              value={draft.tau}
              onChange={(e) => set('tau', e.target.value)}
              {...invalid('tau')}
            />
          </FieldRow>
        </details>
        <div className="toolbar-actions">
          <button type="submit" className="button button-primary" title={reason}>
            {save.isPending ? 'Saving…' : 'Save settings'}
          </button>
          {save.isSuccess && !save.isPending ? (
            <span className="muted small" role="status">
              Saved
            </span>
          ) : null}
        </div>
      </fieldset>
      <FormNotes reason={reason} otherError={otherError} />
    </form>
  );
}
