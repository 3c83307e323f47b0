/**
 * Find a step by name: a search field with the journey's step names as suggestions; Enter jumps to the step (the
 * canvas pans to it, it is selected and takes keyboard focus), so a 300-step journey is navigable without panning.
 */
import { useId, useState } from 'react';

export function StepSearch({
  titles,
  onFind,
}: {
  /** Every step's title, in journey order. */
  titles: readonly string[];
  /** Jumps to the step the text names; false when none matches. */
  onFind(text: string): boolean;
}) {
  const [text, setText] = useState('');
  const [missed, setMissed] = useState(false);
  const listId = useId();
  return (
    <form
      role="search"
      className="step-search"
      onSubmit={(e) => {
        e.preventDefault();
        setMissed(!onFind(text));
      }}
    >
      <input
        type="search"
        aria-label="Find a step by name"
        placeholder="Find a step…"
        list={listId}
        value={text}
        aria-invalid={missed || undefined}
        onChange={(e) => {
          setText(e.target.value);
          setMissed(false);
        }}
      />
      <datalist id={listId}>
        {[...new Set(titles)].map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
      {missed ? (
        <span className="text-danger small" role="status">
          No step is called that
        </span>
      ) : null}
    </form>
  );
}
