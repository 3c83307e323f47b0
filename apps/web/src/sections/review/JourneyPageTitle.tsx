/** The title of a page about one journey (results, backtest): a way back to its editor, its name and what the page shows. */
import type { ReactNode } from 'react';
import { ArrowLeft } from 'lucide-react';
import { hrefFor } from '../../router';

export function JourneyPageTitle({
  journeyId,
  name,
  page,
  children,
}: {
  journeyId: string;
  /** The journey's name, once loaded. */
  name: string | undefined;
  /** What the page is, after the name: "results", "backtest". */
  page: string;
  /** What the page shows, in a sentence or two. */
  children: ReactNode;
}) {
  return (
    <div className="title-with-back">
      <a
        className="icon-button"
        href={hrefFor({ page: 'editor', journeyId })}
        aria-label="Back to the journey"
      >
        <ArrowLeft size={16} />
      </a>
      <div>
        <h1>
          {name ?? 'Journey'} · {page}
        </h1>
        <p className="muted">{children}</p>
      </div>
    </div>
  );
}
