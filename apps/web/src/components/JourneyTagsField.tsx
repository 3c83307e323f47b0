/**
 * A journey's tags in the journey panel: typed as a comma-separated list, saved when the field is left (not part of
 * the draft: tags label the journey, every version alike). The API's words say what is wrong with a tag.
 */
import { useState } from 'react';
import { useUpdateJourneyTags } from '../api/journeys';
import { ApiError } from '../api/client';

export function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
}

export function JourneyTagsField({ journeyId, tags }: { journeyId: string; tags: readonly string[] }) {
  const [text, setText] = useState(tags.join(', '));
  const [saved, setSaved] = useState<readonly string[]>(tags);
  const update = useUpdateJourneyTags(journeyId);
  const save = () => {
    const next = parseTags(text);
    if (next.join('\u0000') === saved.join('\u0000')) return;
    update.mutate(next, { onSuccess: (journey) => setSaved(journey.tags) });
  };
  const problem =
    update.error instanceof ApiError
      ? (update.error.issues[0]?.message ?? update.error.message)
      : update.error?.message;
  return (
    <div className="field">
      <label className="field-label" htmlFor="journey-tags">
        Tags
      </label>
      <input
        id="journey-tags"
        value={text}
        placeholder="e.g. win-back, Q4"
        aria-describedby="journey-tags-hint"
        onChange={(e) => setText(e.target.value)}
        onBlur={save}
      />
      <div id="journey-tags-hint" className="field-hint">
        {update.isPending ? 'Saving…' : 'Separate with commas; the journey list filters by them.'}
      </div>
      {problem ? (
        <div className="field-error" role="alert">
          {problem}
        </div>
      ) : null}
    </div>
  );
}
