/** Built-in kinds that run as activities: branch on the customer, send a message, update the profile. */
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { conditionSchema } from '@wakeflow/journey';
import { customers } from '@wakeflow/db';
import { defineNode } from '../define-node';

export const branch = defineNode({
  type: 'branch',
  version: 1,
  config: z.object({ condition: conditionSchema }),
  palette: {
    label: 'Condition',
    description: 'Yes/no on profile, tags, segments or recent events',
    icon: 'branch',
    category: 'flow',
    color: '#d97706',
  },
  outcomes: ['yes', 'no'],
  describe: () => 'If the condition holds: yes, otherwise no',
  references: (c) => {
    const segmentIds: string[] = [];
    const walk = (node: z.infer<typeof conditionSchema>): void => {
      if (node.kind === 'and' || node.kind === 'or') node.conditions.forEach(walk);
      else if (node.kind === 'not') walk(node.condition);
      else if (node.kind === 'segment') segmentIds.push(node.segmentId);
    };
    walk(c.condition);
    return { segmentIds };
  },
  activity: {
    startToCloseMs: 30_000,
    async run(input, services) {
      const matches = await services.conditions.matches({
        workspaceId: input.workspaceId,
        customerId: input.customerId,
        condition: input.config.condition,
        enteredAt: input.context.enteredAt,
        now: input.at,
      });
      return { outcome: matches ? 'yes' : 'no' };
    },
  },
});

const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use a 24-hour time like 20:00');
const weekdayNames = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/**
 * Only send inside this local-time window of the customer (S-RE-7: weekday 20:00 beat 10:00). Optional, so configs
 * saved before it existed stay valid and the node stays version 1; outside the window the send waits, never drops.
 */
export const sendWindowSchema = z
  .object({
    /** ISO weekdays, 1 = Monday … 7 = Sunday. */
    weekdays: z
      .array(z.number().int().min(1).max(7))
      .min(1, 'Choose at least one weekday')
      .default([1, 2, 3, 4, 5, 6, 7]),
    start: localTime,
    /** May be before `start` to wrap midnight. */
    end: localTime,
  })
  .refine((w) => w.start !== w.end, {
    message: 'The window needs an end different from its start',
    path: ['end'],
  });

export const send = defineNode({
  type: 'send',
  version: 1,
  config: z.object({
    channel: z.enum(['email', 'sms', 'push'], { error: 'Choose email, SMS or push' }),
    templateId: z.string().min(1, 'Choose a template'),
    sendWindow: sendWindowSchema.optional(),
  }),
  palette: {
    label: 'Send message',
    description: 'Email, SMS or push from a template',
    icon: 'mail',
    category: 'message',
    color: '#16a34a',
  },
  outcomes: ['next'],
  describe: (c) =>
    `Send ${c.channel === 'sms' ? 'SMS' : c.channel} “${c.templateId}”` +
    (c.sendWindow
      ? `, ${c.sendWindow.start}–${c.sendWindow.end} local${
          c.sendWindow.weekdays.length < 7
            ? ` on ${[...new Set(c.sendWindow.weekdays)]
                .sort()
                .map((d) => weekdayNames[d - 1])
                .join(', ')}`
            : ''
        }`
      : ''),
  references: (c) => ({ templateIds: [c.templateId] }),
  writes: z.object({ messageId: z.string(), status: z.enum(['sent', 'skipped', 'failed']) }),
  activity: {
    sendsMessage: true,
    startToCloseMs: 60_000,
    async run(input, services) {
      const result = await services.messaging.send({
        workspaceId: input.workspaceId,
        // Run + step, never the attempt: a retry or replay finds the same message row.
        idempotencyKey: `${input.workflowId}#${input.nodeId}`,
        customerId: input.customerId,
        channel: input.config.channel,
        templateId: input.config.templateId,
        runId: input.runId,
        journeyId: input.journeyId,
        nodeId: input.nodeId,
        holdout: input.holdout,
        context: { entry: input.context.entry?.properties ?? {}, steps: input.context.steps },
        requestedAt: input.at,
        priority: input.priority,
        ...(input.config.sendWindow ? { sendWindow: input.config.sendWindow } : {}),
      });
      if (result.status === 'deferred' && result.retryAt) return { outcome: 'next', retryAt: result.retryAt };
      return { outcome: 'next', output: { messageId: result.messageId, status: result.status } };
    },
  },
});

const traitValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const updateCustomer = defineNode({
  type: 'update_customer',
  version: 1,
  config: z
    .object({
      setTraits: z
        .record(
          z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'Trait names use letters, digits and _'),
          traitValue,
        )
        .default({}),
      addTags: z.array(z.string().min(1)).default([]),
      removeTags: z.array(z.string().min(1)).default([]),
    })
    .refine((c) => Object.keys(c.setTraits).length + c.addTags.length + c.removeTags.length > 0, {
      message: 'Set a trait or add or remove a tag',
    }),
  palette: {
    label: 'Update customer',
    description: 'Set a trait or add a tag',
    icon: 'user-edit',
    category: 'data',
    color: '#2563eb',
  },
  outcomes: ['next'],
  describe: (c) =>
    [
      ...Object.entries(c.setTraits).map(([k, v]) => `set ${k} = ${String(v)}`),
      ...c.addTags.map((t) => `tag ${t}`),
      ...c.removeTags.map((t) => `untag ${t}`),
    ].join(', ') || 'Update customer',
  activity: {
    startToCloseMs: 30_000,
    async run(input, services) {
      const { setTraits, addTags, removeTags } = input.config;
      // Set-based and idempotent: running it twice leaves the same profile.
      await services.db
        .update(customers)
        .set({
          traits: sql`${customers.traits} || ${JSON.stringify(setTraits)}::jsonb`,
          tags: sql`array(select distinct t from unnest(array_cat(${customers.tags}, ${sql.param(addTags)}::text[])) as t where t <> all(${sql.param(removeTags)}::text[]) order by t)`,
          updatedAt: new Date(),
        })
        .where(and(eq(customers.workspaceId, input.workspaceId), eq(customers.id, input.customerId)));
      return { outcome: 'next' };
    },
  },
});
