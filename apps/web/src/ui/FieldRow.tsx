/**
 * One labelled form field with its hint and the server's error for it, shared by the forms whose values the API
 * checks (its zod issues name the field). `numberOrNull` reads a number box for such a form.
 */
import type { ReactNode } from 'react';

export function FieldRow({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  error: string | undefined;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {children}
      {hint ? <div className="muted small">{hint}</div> : null}
      {error ? (
        <div className="field-error" id={`${id}-error`} role="alert">
          {error}
        </div>
      ) : null}
    </div>
  );
}

/** An empty or unreadable box is sent as null, so the API names the field instead of quietly applying a default. */
export const numberOrNull = (text: string): number | null =>
  text.trim() === '' || Number.isNaN(Number(text)) ? null : Number(text);
