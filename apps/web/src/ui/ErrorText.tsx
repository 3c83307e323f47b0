/** A failed request as a sentence: "Could not <what>: <reason>". */
export function ErrorText({ error, what }: { error: Error | null; what: string }) {
  if (!error) return null;
  return (
    <div className="callout callout-error" role="alert">
      Could not {what}: {error.message}
    </div>
  );
}
