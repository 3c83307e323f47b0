/**
 * A draft's journey settings as the editor holds them. Drafts keep whatever the manager typed, so stored settings
 * may be half-filled (a conversion whose event is not typed yet): valid ones get the schema's defaults, half-typed
 * ones stay exactly as typed for the form to show and `validate` to report. One place owns that looseness.
 */
import { journeySettingsSchema, type JourneySettings } from '@wakeflow/journey';

export function readDraftSettings(settings: Record<string, unknown>): JourneySettings {
  const parsed = journeySettingsSchema.safeParse(settings);
  // Half-typed settings are carried as typed; every reader treats the fields as possibly incomplete.
  return parsed.success ? parsed.data : (settings as JourneySettings);
}
