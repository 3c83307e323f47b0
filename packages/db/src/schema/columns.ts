/**
 * Column builders the schema files outside core.ts share: a timestamp with time zone, and the foreign keys most
 * tables carry (the owning workspace, the journey). Each call makes a new column.
 */
import { text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { journeys, workspaces } from './core';

export const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** `workspace_id`, required, referencing the workspace that owns the row. */
export const workspaceRef = () =>
  text('workspace_id')
    .notNull()
    .references(() => workspaces.id);

/** `journey_id`, required, referencing the journey the row is about. */
export const journeyRef = () =>
  uuid('journey_id')
    .notNull()
    .references(() => journeys.id);
