/** A Delete button that asks first ("Delete the segment “Lapsed”?") and, once deleted, goes to `then` (a hash). */
export function DeleteButton({
  what,
  pending,
  onDelete,
  then,
}: {
  /** Named in the question, e.g. `segment “Lapsed”`. */
  what: string;
  pending?: boolean;
  onDelete(options: { onSuccess(): void }): void;
  then: string;
}) {
  return (
    <button
      type="button"
      className="button button-danger"
      disabled={pending}
      onClick={() => {
        if (window.confirm(`Delete the ${what}?`))
          onDelete({ onSuccess: () => (window.location.hash = then) });
      }}
    >
      Delete
    </button>
  );
}
