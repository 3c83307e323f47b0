/** The side panel for the selected step: its name, its generated settings form, its problems and its actions. */
import { useMemo, type ReactNode } from 'react';
import { Copy, CopyPlus, GitFork, Trash2 } from 'lucide-react';
import type { GraphNode } from '@wakeflow/journey';
import type { ApiProblem, CatalogEntry } from '../api/types';
import { ConfigForm } from '../schema-form/ConfigForm';
import { asJsonSchema } from '../schema-form/json-schema';
import type { FormLookups } from '../schema-form/SchemaForm';
import { KindIcon } from '../canvas/icons';

export interface StepPanelProps {
  step: GraphNode;
  entry: CatalogEntry | undefined;
  problems: readonly ApiProblem[];
  lookups: FormLookups;
  onConfig(config: Record<string, unknown>, field: string): void;
  onRename(name: string): void;
  onCommit(): void;
  onDuplicate(): void;
  onCopy(branch: boolean): void;
  onDelete(): void;
  /** More for this step below its settings (a send step's test send). */
  extra?: ReactNode;
}

export function StepPanel({
  step,
  entry,
  problems,
  lookups,
  onConfig,
  onRename,
  onCommit,
  onDuplicate,
  onCopy,
  onDelete,
  extra,
}: StepPanelProps) {
  const schema = useMemo(() => asJsonSchema(entry?.configSchema ?? {}), [entry]);
  const fieldProblems = useMemo(
    () =>
      problems
        .filter((p) => p.path.startsWith('config.'))
        .map((p) => ({ path: p.path.slice('config.'.length), message: p.message })),
    [problems],
  );
  const stepProblems = problems.filter((p) => !p.path.startsWith('config.'));
  const role = entry?.role ?? 'step';
  return (
    <aside className="side-panel" aria-label="Step settings" data-testid="step-panel">
      <div
        className="side-panel-header"
        style={{ ['--accent' as string]: entry?.palette.color ?? '#64748b' }}
      >
        <span className="palette-icon">
          <KindIcon name={entry?.palette.icon ?? 'puzzle'} size={16} />
        </span>
        <div>
          <div className="step-kind">{entry?.palette.label ?? step.type}</div>
          <div className="side-panel-sub">{entry?.palette.description}</div>
        </div>
      </div>
      <div className="side-panel-body">
        <div className="field">
          <label className="field-label" htmlFor="step-name">
            Name on the canvas
          </label>
          <input
            id="step-name"
            value={step.name ?? ''}
            placeholder={entry?.palette.label ?? step.type}
            onChange={(e) => onRename(e.target.value)}
            onBlur={onCommit}
          />
        </div>
        {stepProblems.length ? (
          <ul className="problem-list compact">
            {stepProblems.map((p, i) => (
              <li key={i} className="problem">
                {p.message}
              </li>
            ))}
          </ul>
        ) : null}
        {entry ? (
          <ConfigForm
            schema={schema}
            value={step.config}
            onChange={onConfig}
            onCommit={onCommit}
            serverErrors={fieldProblems}
            lookups={lookups}
          />
        ) : (
          <p className="muted">
            This workspace has no “{step.type}” kind; the step cannot be configured here.
          </p>
        )}
        {extra}
      </div>
      <div className="side-panel-actions">
        {role !== 'trigger' ? (
          <>
            {role !== 'exit' ? (
              <button type="button" className="button" onClick={onDuplicate} title="Duplicate (Ctrl+D)">
                <CopyPlus size={14} /> Duplicate
              </button>
            ) : null}
            <button type="button" className="button" onClick={() => onCopy(false)} title="Copy (Ctrl+C)">
              <Copy size={14} /> Copy
            </button>
            <button
              type="button"
              className="button"
              onClick={() => onCopy(true)}
              title="Copy with everything below (Ctrl+Shift+C)"
            >
              <GitFork size={14} /> Copy branch
            </button>
          </>
        ) : null}
        <button type="button" className="button button-danger" onClick={onDelete} title="Delete (Del)">
          <Trash2 size={14} /> Delete
        </button>
      </div>
    </aside>
  );
}
