/**
 * The `create_service_callback_task` node (DOMAIN S-AU-6 follow-up calls for at-risk customers; S-RE-2 the
 * "48-hour dedicated service line" for high-value customers): puts a task in the service team's queue
 * (`service_tasks`), due a configured time after the step. Exactly one task per run and step, however often
 * Temporal retries the activity.
 */
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { durationSchema, durationToMs, formatDuration } from '@wakeflow/journey';
import { serviceTaskPriorities, serviceTasks, type Database } from '@wakeflow/db';
import { defineNode } from '@wakeflow/nodes';

export const serviceCallbackTaskConfigSchema = z.object({
  /** What the service agent reads first: why to call this customer. */
  reason: z.string().trim().min(1, 'Say why the service team should call').max(500, 'At most 500 characters'),
  priority: z.enum(serviceTaskPriorities, { error: 'Choose low, normal, high or urgent' }).default('high'),
  /** How long the team has, from the moment the run reaches the step. */
  dueIn: durationSchema.default({ amount: 48, unit: 'hours' }),
});
export type ServiceCallbackTaskConfig = z.infer<typeof serviceCallbackTaskConfigSchema>;

export const serviceTaskOutputSchema = z.object({
  /** Null for holdout customers: the control group gets no call. */
  taskId: z.string().nullable(),
  dueAt: z.string().nullable(),
});

/** Due time from the step's workflow time, not the wall clock, so retries, replays and time-skipping tests agree. */
export function serviceTaskDueAt(stepAt: string, dueIn: ServiceCallbackTaskConfig['dueIn']): Date {
  return new Date(Date.parse(stepAt) + durationToMs(dueIn));
}

async function createTaskOnce(
  db: Database,
  task: Omit<typeof serviceTasks.$inferInsert, 'id' | 'status' | 'createdAt' | 'doneAt'>,
): Promise<{ id: string; dueAt: Date }> {
  const [created] = await db
    .insert(serviceTasks)
    .values(task)
    .onConflictDoNothing({ target: [serviceTasks.runId, serviceTasks.nodeId] })
    .returning({ id: serviceTasks.id, dueAt: serviceTasks.dueAt });
  if (created) return created;
  // An earlier attempt already created it (the activity crashed or timed out after the insert).
  const [existing] = await db
    .select({ id: serviceTasks.id, dueAt: serviceTasks.dueAt })
    .from(serviceTasks)
    .where(and(eq(serviceTasks.runId, task.runId), eq(serviceTasks.nodeId, task.nodeId)));
  if (!existing)
    throw new Error(`Service task for run ${task.runId} step ${task.nodeId} neither created nor found`);
  return existing;
}

export const createServiceCallbackTask = defineNode({
  type: 'create_service_callback_task',
  version: 1,
  config: serviceCallbackTaskConfigSchema,
  palette: {
    label: 'Service callback task',
    description: 'Ask the service team to call the customer within a deadline',
    icon: 'phone',
    category: 'custom',
    color: '#db2777',
  },
  outcomes: ['next'],
  describe: (c) => `Service team calls within ${formatDuration(c.dueIn)} (${c.priority}): ${c.reason}`,
  writes: serviceTaskOutputSchema,
  activity: {
    startToCloseMs: 15_000,
    // A call is contact with the customer, like a message: holdout members must not get one.
    sendsMessage: true,
    async run(input, services) {
      if (input.holdout) {
        services.logger.info('service task skipped for holdout member', {
          runId: input.runId,
          nodeId: input.nodeId,
        });
        return { outcome: 'next', output: { taskId: null, dueAt: null } };
      }
      const task = await createTaskOnce(services.db, {
        workspaceId: input.workspaceId,
        customerId: input.customerId,
        runId: input.runId,
        journeyId: input.journeyId,
        nodeId: input.nodeId,
        reason: input.config.reason,
        priority: input.config.priority,
        dueAt: serviceTaskDueAt(input.at, input.config.dueIn),
      });
      return { outcome: 'next', output: { taskId: task.id, dueAt: task.dueAt.toISOString() } };
    },
  },
});
