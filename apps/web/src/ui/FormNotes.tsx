/**
 * The notes under a form whose values the API checks: why it cannot be saved (e.g. the role lacks the permission),
 * and a failed save that no field's error explains.
 */
export function FormNotes({
  reason,
  otherError,
}: {
  reason: string | undefined;
  otherError: string | undefined;
}) {
  return (
    <>
      {reason ? <p className="muted small">{reason}</p> : null}
      {otherError ? <div className="field-error">Not saved: {otherError}</div> : null}
    </>
  );
}
