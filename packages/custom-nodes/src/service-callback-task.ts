/**
 * The `create_service_callback_task` node (DOMAIN S-AU-6 follow-up calls for at-risk customers; S-RE-2 the
 * "48-hour dedicated service line" for high-value customers): puts a task in the service team's queue
 * (the `serviceTasks` port), due a configured time after the step. Exactly one task per run and step, however often
 * Temporal retries the activity.
 */
import { z } from 'zod';
import { durationSchema, durationToMs, formatDuration } from '@wakeflow/journey';
import { defineNode } from '@wakeflow/nodes/spec';
import { serviceTaskPriorities, type CustomNodePorts } from './ports';

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

export const createServiceCallbackTask = defineNode<typeof serviceCallbackTaskConfigSchema, CustomNodePorts>({
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
    async run(input, { logger, serviceTasks }) {
      if (input.holdout) {
        logger.info('service task skipped for holdout member', {
          runId: input.runId,
          nodeId: input.nodeId,
        });
        return { outcome: 'next', output: { taskId: null, dueAt: null } };
      }
      const task = await serviceTasks.createOnce({
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
