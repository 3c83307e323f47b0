/**
 * The API's response shapes, parsed at the boundary so the rest of the web app works with checked types.
 * Journey graphs and settings reuse the domain schemas from @wakeflow/journey: one schema per concept.
 */
import { z } from 'zod';
import {
  journeyGraphSchema,
  journeySettingsSchema,
  type JourneyGraph,
  type JourneySettings,
  type Problem,
} from '@wakeflow/journey';

const jsonSchemaObject = z.record(z.string(), z.unknown());

export const catalogEntrySchema = z.object({
  type: z.string(),
  version: z.number(),
  role: z.enum(['trigger', 'step', 'exit']),
  palette: z.object({
    label: z.string(),
    description: z.string(),
    icon: z.string(),
    category: z.string(),
    color: z.string(),
  }),
  outcomes: z.array(z.string()).nullable(),
  configSchema: jsonSchemaObject,
  writesSchema: jsonSchemaObject.nullable().optional(),
  executes: z.string().optional(),
});
/** One node kind as the API's catalog describes it: palette entry, outcomes and config JSON Schema. */
export type CatalogEntry = z.infer<typeof catalogEntrySchema>;
export const catalogResponseSchema = z.object({ nodes: z.array(catalogEntrySchema) });

export const journeyTemplateSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().default(''),
  graph: journeyGraphSchema,
  settings: journeySettingsSchema,
});
export type JourneyTemplateSummary = z.infer<typeof journeyTemplateSchema>;

export const journeyStatusSchema = z.string();

export const journeySummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable().optional(),
  status: journeyStatusSchema,
  liveVersion: z.number().nullable().optional(),
  draftRevision: z.number().optional(),
  updatedAt: z.string(),
});
export type JourneySummary = z.infer<typeof journeySummarySchema>;

export const journeyDetailSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable().optional(),
  status: journeyStatusSchema,
  liveVersion: z.number().nullable().optional(),
  // Drafts keep whatever was typed: half-filled settings load as typed (the editor's readDraftSettings).
  draft: z.object({
    graph: journeyGraphSchema,
    settings: z.record(z.string(), z.unknown()),
    revision: z.number(),
  }),
  updatedAt: z.string(),
});
export type JourneyDetail = z.infer<typeof journeyDetailSchema>;

export const problemSchema = z.object({
  code: z.string(),
  nodeId: z.string().optional(),
  path: z.string(),
  message: z.string(),
});
export const problemsResponseSchema = z.object({ problems: z.array(problemSchema) });

export const versionSummarySchema = z.object({
  version: z.number(),
  planHash: z.string(),
  publishedAt: z.string(),
});
export type VersionSummary = z.infer<typeof versionSummarySchema>;
export const versionDetailSchema = versionSummarySchema.extend({
  graph: journeyGraphSchema,
  settings: journeySettingsSchema,
  plan: z.unknown().optional(),
});
export type VersionDetail = z.infer<typeof versionDetailSchema>;

const countMap = z.record(z.string(), z.number());
export const journeyStatsSchema = z.object({
  nodes: z
    .record(z.string(), z.object({ entered: z.number(), waiting: z.number(), passed: z.number() }))
    .default({}),
  outcomes: z.record(z.string(), countMap).default({}),
  exits: countMap.default({}),
  /** Runs that ended without an exit, by status (failed, cancelled, terminated, timed out). */
  ended: countMap.default({}),
});
export type JourneyStats = z.infer<typeof journeyStatsSchema>;
export type StepStats = JourneyStats['nodes'][string];

export const segmentSchema = z.object({ id: z.string(), name: z.string() });
export const messageTemplateSchema = z.object({ id: z.string(), name: z.string(), channel: z.string() });
export type Segment = z.infer<typeof segmentSchema>;
export type MessageTemplate = z.infer<typeof messageTemplateSchema>;

/** The editable part of a journey: what autosave sends and undo/redo restores. */
export interface JourneyDraft {
  graph: JourneyGraph;
  settings: JourneySettings;
}

/** Problems as the API returns them; the code is kept as a string so new codes never break parsing. */
export type ApiProblem = Omit<Problem, 'code'> & { code: string };
