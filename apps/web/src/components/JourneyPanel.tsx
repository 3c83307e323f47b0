/** The side panel when no step is selected: the journey's problems (click one to go to its step) and settings. */
import { useMemo, type ReactNode } from 'react';
import { z } from 'zod';
import { AlertCircle, CheckCircle2 } from 'lucide-react';
import { journeySettingsSchema, type JourneySettings } from '@wakeflow/journey';
import type { ApiProblem } from '../api/types';
import { ConfigForm } from '../schema-form/ConfigForm';
import { asJsonSchema } from '../schema-form/json-schema';
import type { FormLookups } from '../schema-form/SchemaForm';

const settingsJsonSchema = asJsonSchema(
  z.toJSONSchema(journeySettingsSchema, { io: 'input', unrepresentable: 'any' }),
);

export interface JourneyPanelProps {
  problems: readonly ApiProblem[];
  checking: boolean;
  stepTitle(nodeId: string): string;
  /** The problem's sentence in the manager's words (path labels and step titles, not ids). */
  problemText(problem: ApiProblem): string;
  onFocusProblem(problem: ApiProblem): void;
  settings: JourneySettings;
  onSettings(settings: JourneySettings, field: string): void;
  onCommit(): void;
  lookups: FormLookups;
  /** About the journey itself, above its settings (its tags). */
  children?: ReactNode;
}

export function JourneyPanel({
  problems,
  checking,
  stepTitle,
  problemText,
  onFocusProblem,
  settings,
  onSettings,
  onCommit,
  lookups,
  children,
}: JourneyPanelProps) {
  const settingsErrors = useMemo(
    () =>
      problems
        .filter((p) => p.path.startsWith('settings.'))
        .map((p) => ({ path: p.path.slice('settings.'.length), message: p.message })),
    [problems],
  );
  return (
    <aside className="side-panel" aria-label="Journey" data-testid="journey-panel">
      <div className="side-panel-body">
        <section>
          <div className="panel-title">
            {problems.length ? (
              <>
                <AlertCircle size={15} className="text-danger" /> {problems.length} problem
                {problems.length === 1 ? '' : 's'} to fix before publishing
              </>
            ) : checking ? (
              'Checking…'
            ) : (
              <>
                <CheckCircle2 size={15} className="text-ok" /> Ready to publish
              </>
            )}
          </div>
          {problems.length ? (
            <ul className="problem-list" data-testid="problem-list">
              {problems.map((p, i) => (
                <li key={i}>
                  <button
                    type="button"
                    className="problem"
                    disabled={!p.nodeId}
                    onClick={() => onFocusProblem(p)}
                  >
                    {p.nodeId ? <span className="problem-step">{stepTitle(p.nodeId)}</span> : null}
                    {problemText(p)}
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
        </section>
        {children ? <section>{children}</section> : null}
        <section>
          <div className="panel-title">Journey settings</div>
          <ConfigForm
            schema={settingsJsonSchema}
            value={settings}
            onChange={(v, field) => {
              const parsed = journeySettingsSchema.safeParse(v);
              // Half-typed settings stay as typed; the form and validate show what is wrong.
              onSettings((parsed.success ? parsed.data : v) as JourneySettings, field);
            }}
            onCommit={onCommit}
            serverErrors={settingsErrors}
            lookups={lookups}
            name="settings"
          />
        </section>
      </div>
    </aside>
  );
}
