/**
 * The journey list's search and filters: words match the name, description or a tag (every word must match, any
 * case); the status filter matches the status as shown (`scheduled` is a live journey whose start is ahead); the tag
 * filter matches one tag exactly.
 */
import type { JourneySummary } from '@wakeflow/contracts';

export interface JourneyListFilter {
  q: string;
  status: string;
  tag: string;
}

export const noJourneyFilter: JourneyListFilter = { q: '', status: '', tag: '' };

export function shownStatus(j: Pick<JourneySummary, 'status' | 'lifecycle'>): string {
  return j.lifecycle ?? j.status;
}

export function filterJourneys<
  J extends Pick<JourneySummary, 'name' | 'description' | 'tags' | 'status' | 'lifecycle'>,
>(journeys: readonly J[], filter: JourneyListFilter): J[] {
  const words = filter.q.toLowerCase().split(/\s+/).filter(Boolean);
  return journeys.filter((j) => {
    if (filter.status && shownStatus(j) !== filter.status) return false;
    if (filter.tag && !j.tags.includes(filter.tag)) return false;
    const text = [j.name, j.description ?? '', ...j.tags].join(' ').toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/** Every tag in use, sorted, for the tag filter. */
export function tagsOf(journeys: readonly Pick<JourneySummary, 'tags'>[]): string[] {
  return [...new Set(journeys.flatMap((j) => j.tags))].sort((a, b) => a.localeCompare(b));
}
