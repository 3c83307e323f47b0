/** `send`: an email, SMS or push from a template, through the `messaging` port (exactly once per run and step). */
import { z } from 'zod';
import type { NodeActivityResult } from '@wakeflow/journey';
import { defineNode, type NodeRunInput } from '../define-node';
import type { SendRequest, SendResult } from '../ports';
import { onWeekdays } from '../words';
import { localTimeSchema } from './local-time';

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
    start: localTimeSchema,
    /** May be before `start` to wrap midnight. */
    end: localTimeSchema,
  })
  .refine((w) => w.start !== w.end, {
    message: 'The window needs an end different from its start',
    path: ['end'],
  });

const sendConfigSchema = z.object({
  channel: z.enum(['email', 'sms', 'push'], { error: 'Choose email, SMS or push' }),
  templateId: z.string().min(1, 'Choose a template'),
  sendWindow: sendWindowSchema.optional(),
});

const channelWords = { email: 'email', sms: 'SMS', push: 'push' } as const;

type SendConfig = z.output<typeof sendConfigSchema>;

/** The message a run's step asks for. */
function sendRequestOf(input: NodeRunInput<SendConfig>): SendRequest {
  return {
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
  };
}

/** A deferral sleeps and asks again; any other answer moves on, remembering the message. */
function stepResult(result: SendResult): NodeActivityResult {
  if (result.status === 'deferred' && result.retryAt) return { outcome: 'next', retryAt: result.retryAt };
  return { outcome: 'next', output: { messageId: result.messageId, status: result.status } };
}

export const send = defineNode({
  type: 'send',
  version: 1,
  config: sendConfigSchema,
  palette: {
    label: 'Send message',
    description: 'Email, SMS or push from a template',
    icon: 'mail',
    category: 'message',
    color: '#16a34a',
  },
  starter: () => ({ channel: 'email', templateId: '' }),
  outcomes: ['next'],
  describe: (c, names) =>
    `Send ${channelWords[c.channel]} “${names.templateName?.(c.templateId) ?? c.templateId}”` +
    (c.sendWindow
      ? `, ${c.sendWindow.start}–${c.sendWindow.end} local${onWeekdays(c.sendWindow.weekdays)}`
      : ''),
  references: (c) => ({ templateIds: [c.templateId] }),
  writes: z.object({ messageId: z.string(), status: z.enum(['sent', 'skipped', 'failed']) }),
  activity: {
    sendsMessage: true,
    startToCloseMs: 60_000,
    async run(input, { messaging }) {
      return stepResult(await messaging.send(sendRequestOf(input)));
    },
    async runBatch(inputs, { messaging }) {
      const results = await messaging.sendBatch(inputs.map(sendRequestOf));
      return results.map((result) =>
        result.status === 'retry'
          ? {
              error: result.reason,
              retryable: true,
              ...(result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {}),
            }
          : { result: stepResult(result) },
      );
    },
  },
});
