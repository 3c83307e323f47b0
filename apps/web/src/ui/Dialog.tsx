/**
 * A modal dialog: a click on the backdrop closes it, the box is named by its heading. With `onSubmit` the box is a
 * form (Enter submits; the submit event's default is prevented), otherwise a plain box.
 */
import type { ReactNode } from 'react';

export function Dialog({
  titleId,
  title,
  className,
  onClose,
  onSubmit,
  children,
}: {
  /** The heading's id, which names the dialog for assistive technology; unique on the page. */
  titleId: string;
  title: ReactNode;
  /** Classes beside `dialog`, e.g. `dialog-wide`. */
  className?: string;
  onClose(): void;
  onSubmit?(): void;
  children: ReactNode;
}) {
  const box = {
    className: className ? `dialog ${className}` : 'dialog',
    role: 'dialog',
    'aria-modal': true,
    'aria-labelledby': titleId,
    onMouseDown: (e: { stopPropagation(): void }) => e.stopPropagation(),
  } as const;
  const content = (
    <>
      <h2 id={titleId}>{title}</h2>
      {children}
    </>
  );
  return (
    <div className="dialog-backdrop" role="presentation" onMouseDown={onClose}>
      {onSubmit ? (
        <form
          {...box}
          onSubmit={(e) => {
            e.preventDefault();
            onSubmit();
          }}
        >
          {content}
        </form>
      ) : (
        <div {...box}>{content}</div>
      )}
    </div>
  );
}

/** The row of buttons at the foot of a dialog; Cancel comes first and closes it. */
export function DialogFooter({ onCancel, children }: { onCancel(): void; children?: ReactNode }) {
  return (
    <div className="dialog-footer">
      <button type="button" className="button button-quiet" onClick={onCancel}>
        Cancel
      </button>
      {children}
    </div>
  );
}
