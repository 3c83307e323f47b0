/** The node catalog, journey templates and event names: what the editor builds its palette, forms and pickers from. */
import { z } from 'zod';
import { journeyGraphSchema, journeySettingsSchema } from '@wakeflow/journey';
import { jsonObjectSchema } from './common';
import { defineRoute } from './route';

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
  configSchema: jsonObjectSchema,
  writesSchema: jsonObjectSchema.nullable().optional(),
  executes: z.string().optional(),
});
/** One node kind as the API's catalog describes it: palette entry, outcomes and config JSON Schema. */
export type CatalogEntry = z.infer<typeof catalogEntrySchema>;

export const journeyTemplateSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().default(''),
  graph: journeyGraphSchema,
  settings: journeySettingsSchema,
  requires: z.unknown().optional(),
});
export type JourneyTemplateSummary = z.infer<typeof journeyTemplateSchema>;

const tag = 'Catalog';

export const catalogRoutes = {
  nodeCatalog: defineRoute({
    method: 'get',
    path: '/node-catalog',
    tag,
    summary: 'The node kinds this installation runs',
    responses: { 200: z.object({ nodes: z.array(catalogEntrySchema) }) },
  }),
  journeyTemplates: defineRoute({
    method: 'get',
    path: '/journey-templates',
    tag,
    summary: 'Journey templates a new journey can start from',
    responses: { 200: z.object({ templates: z.array(journeyTemplateSchema) }) },
  }),
  eventNames: defineRoute({
    method: 'get',
    path: '/event-names',
    tag,
    summary: 'Event names the product knows plus every name this workspace has sent',
    responses: { 200: z.object({ events: z.array(z.string()) }) },
  }),
};
