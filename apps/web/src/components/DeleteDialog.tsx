/** Asked when a deleted step has more than one path that continues: which path takes its place? */
import type { PendingDelete } from '../editor-core';

export function DeleteDialog({
  pending,
  labelOf,
  onChoose,
  onCancel,
}: {
  pending: PendingDelete;
  labelOf(outcome: string): string;
  onChoose(keep: string): void;
  onCancel(): void;
}) {
  return (
    <div className="dialog-backdrop" role="presentation" onMouseDown={onCancel}>
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="delete-title"
        onMouseDown={(e) => e.stopPropagation()}
      >
        <h2 id="delete-title">Delete this step?</h2>
        <p>
          More than one of its paths continues. Keep one path in its place; the steps on the other paths are
          removed.
        </p>
        <div className="dialog-choices">
          {pending.outcomes.map((o) => (
            <button key={o} type="button" className="button" onClick={() => onChoose(o)}>
              Keep “{labelOf(o)}”
            </button>
          ))}
          <button type="button" className="button button-danger" onClick={() => onChoose('none')}>
            Delete it and everything below
          </button>
        </div>
        <div className="dialog-footer">
          <button type="button" className="button button-quiet" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
