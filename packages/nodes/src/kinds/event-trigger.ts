/** `event_trigger`: customers who do something (an ingested event starts their run). */
import { z } from 'zod';
import { propertyFilterSchema } from '@wakeflow/journey';
import { defineNode } from '../define-node';

export const eventTrigger = defineNode({
  type: 'event_trigger',
  version: 1,
  role: 'trigger',
  config: z.object({
    event: z.string().min(1, 'Choose an event'),
    filters: z.array(propertyFilterSchema).default([]),
  }),
  palette: {
    label: 'Event',
    description: 'Customers who do something',
    icon: 'zap',
    category: 'trigger',
    color: '#7c3aed',
  },
  outcomes: ['next'],
  describe: (c) => `When a customer does ${c.event}${c.filters.length ? ' (filtered)' : ''}`,
  references: (c) => ({ events: [c.event] }),
});
