/**
 * `wait_for_event`: wait until the customer does one of some events, or time runs out. One path per event
 * (named by `outcome`, else the event) plus `timeout`, which the canvas calls "Not within 7 days".
 */
import { z } from 'zod';
import { durationSchema, durationToMs, formatDuration, propertyFilterSchema } from '@wakeflow/journey';
import { defineNode, type DraftConfig } from '../define-node';
import { humanize, listWords } from '../words';
import { outcomeNameSchema } from './local-time';

function draftEventPaths(config: DraftConfig): string[] {
  const events = Array.isArray(config.events) ? config.events : [];
  const names = events.map((e: unknown, index) => {
    const event = typeof e === 'object' && e !== null ? (e as Record<string, unknown>) : {};
    const name =
      typeof event.outcome === 'string' && event.outcome
        ? event.outcome
        : typeof event.event === 'string'
          ? event.event
          : '';
    return name || `event_${index + 1}`;
  });
  return [...new Set(names), 'timeout'];
}

export const waitForEvent = defineNode({
  type: 'wait_for_event',
  version: 1,
  config: z
    .object({
      events: z
        .array(
          z.object({
            event: z.string().min(1, 'Choose an event'),
            filters: z.array(propertyFilterSchema).default([]),
            /** Match only events whose property equals the entry event's, e.g. `order_id`. */
            correlationKey: z.string().min(1).optional(),
            /** Path name; defaults to the event name. */
            outcome: outcomeNameSchema.optional(),
          }),
        )
        .min(1, 'Choose at least one event'),
      timeout: durationSchema,
    })
    .superRefine((c, ctx) => {
      const seen = new Set<string>();
      c.events.forEach((e, i) => {
        const outcome = e.outcome ?? e.event;
        if (outcome === 'timeout' || seen.has(outcome)) {
          ctx.addIssue({
            code: 'custom',
            path: ['events', i, 'outcome'],
            message: `Path name “${outcome}” is used twice`,
          });
        }
        seen.add(outcome);
      });
    }),
  palette: {
    label: 'Wait for event',
    description: 'Wait until the customer does something, or time runs out',
    icon: 'hourglass',
    category: 'flow',
    color: '#0891b2',
  },
  starter: () => ({ events: [{ event: '' }], timeout: { amount: 7, unit: 'days' } }),
  outcomes: (c) => [...new Set(c.events.map((e) => e.outcome ?? e.event)), 'timeout'],
  draftOutcomes: draftEventPaths,
  outcomeLabel: (outcome, c) => {
    if (outcome === 'timeout') return `Not within ${formatDuration(c.timeout)}`;
    const event = c.events.find((e) => (e.outcome ?? e.event) === outcome);
    return `Did ${humanize(event?.event ?? outcome)}`;
  },
  describe: (c) =>
    `Wait up to ${formatDuration(c.timeout)} for ${listWords(
      c.events.map((e) => e.event),
      'or',
    )}`,
  references: (c) => ({ events: c.events.map((e) => e.event) }),
  plan: (c) => ({
    op: 'wait',
    timeoutMs: durationToMs(c.timeout),
    timeoutOutcome: 'timeout',
    events: c.events.map((e) => ({
      event: e.event,
      outcome: e.outcome ?? e.event,
      ...(e.filters.length ? { filters: e.filters } : {}),
      ...(e.correlationKey ? { correlationKey: e.correlationKey } : {}),
    })),
  }),
});
