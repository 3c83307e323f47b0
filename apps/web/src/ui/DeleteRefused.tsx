/**
 * A failed delete as a sentence, and when the API refused because journeys still use the thing (409 `in_use`),
 * those journeys as links to their editors, so the manager can go and change them.
 */
import { ApiError } from '../api/client';
import { hrefFor } from '../router';

export function DeleteRefused({ error }: { error: Error | null }) {
  if (!error) return null;
  const usedBy = error instanceof ApiError ? error.usedBy : [];
  return (
    <div className="callout callout-error" role="alert">
      Could not delete: {error.message}
      {usedBy.length ? (
        <ul className="used-by" aria-label="Journeys that use it">
          {usedBy.map((use) => (
            <li key={use.journeyId}>
              <a href={hrefFor({ page: 'editor', journeyId: use.journeyId })}>{use.journeyName}</a>{' '}
              <span className="muted small">
                {[
                  ...(use.versions.length ? [`version ${use.versions.join(', ')}`] : []),
                  ...(use.draft ? ['draft'] : []),
                ].join(' and ')}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
