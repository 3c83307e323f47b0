/** Journeys as stored (jsonb graph and settings), typed for the answers that carry them. */
import type { JourneyGraph, JourneySettingsInput } from '@wakeflow/journey';

/**
 * A stored graph and settings as the contract types them. The jsonb columns hold only what the draft and publish
 * schemas accepted on write, so this names a type at the database boundary rather than guessing one.
 */
export function storedJourney(
  graph: unknown,
  settings: unknown,
): { graph: JourneyGraph; settings: JourneySettingsInput } {
  return { graph: graph as JourneyGraph, settings: settings ?? {} };
}
