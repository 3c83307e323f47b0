/** Asked when a deleted step has more than one path that continues: which path takes its place? */
import type { PendingDelete } from '../editor-core';
import { Dialog, DialogFooter } from '../ui/Dialog';

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
    <Dialog titleId="delete-title" title="Delete this step?" onClose={onCancel}>
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
      <DialogFooter onCancel={onCancel} />
    </Dialog>
  );
}
