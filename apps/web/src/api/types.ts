/**
 * The API's shapes the editor works with, from @wakeflow/contracts (the schemas the API is typed by): nothing here
 * restates a response by hand. Journey graphs and settings are the domain's own types from @wakeflow/journey.
 */
import { catalogRoutes } from '@wakeflow/contracts';
import type { JourneyGraph, JourneySettings } from '@wakeflow/journey';

export type {
  ApiProblem,
  CatalogEntry,
  JourneyDetail,
  JourneyStats,
  JourneySummary,
  JourneyTemplateSummary,
  StepStats,
  VersionDetail,
  VersionSummary,
} from '@wakeflow/contracts';

/** The answer of `GET /api/node-catalog` (fixtures parse recorded catalogs with it). */
export const catalogResponseSchema = catalogRoutes.nodeCatalog.responses[200];

/** The editable part of a journey: what autosave sends and undo/redo restores. */
export interface JourneyDraft {
  graph: JourneyGraph;
  settings: JourneySettings;
}
