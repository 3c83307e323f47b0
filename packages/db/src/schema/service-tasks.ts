/**
 * Tasks for the service team, written by journeys (DOMAIN S-AU-6 follow-up calls, S-RE-2 "48-hour dedicated service
 * line" for high-value customers) through the `create_service_callback_task` node of @wakeflow/custom-nodes.
 */
import { index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tstz, workspaceRef } from './columns';
import { customers, journeys, runs } from './core';

export const serviceTaskPriorities = ['low', 'normal', 'high', 'urgent'] as const;
export type ServiceTaskPriority = (typeof serviceTaskPriorities)[number];

export const serviceTasks = pgTable(
  'service_tasks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    /** The run and step that asked for the task: unique together, so a retried activity finds its row. */
    runId: uuid('run_id')
      .notNull()
      .references(() => runs.id),
    journeyId: uuid('journey_id').references(() => journeys.id),
    nodeId: text('node_id').notNull(),
    reason: text('reason').notNull(),
    priority: text('priority', { enum: serviceTaskPriorities }).notNull().default('normal'),
    /** Computed from the journey's clock (the step's workflow time), so it is right in tests and replays too. */
    dueAt: tstz('due_at').notNull(),
    status: text('status', { enum: ['open', 'done'] })
      .notNull()
      .default('open'),
    createdAt: tstz('created_at').notNull().defaultNow(),
    doneAt: tstz('done_at'),
  },
  (t) => [
    uniqueIndex('service_tasks_run_node').on(t.runId, t.nodeId),
    // The service team's queue: open tasks of a workspace, soonest due first.
    index('service_tasks_workspace_status_due').on(t.workspaceId, t.status, t.dueAt),
    index('service_tasks_customer').on(t.customerId),
  ],
);
