/** Entry points: how customers get into a journey. */
import { z } from 'zod';
import { propertyFilterSchema } from '@wakeflow/journey';
import { defineNode } from '../define-node';

export const audienceTrigger = defineNode({
  type: 'audience_trigger',
  version: 1,
  role: 'trigger',
  config: z.object({
    segmentId: z.string().min(1, 'Choose a segment'),
    /** How often the sweep looks for customers newly in the segment. */
    everyMinutes: z.number().int().min(5, 'At least every 5 minutes').max(10_080).default(60),
  }),
  palette: {
    label: 'Audience',
    description: 'Customers who enter a segment',
    icon: 'users',
    category: 'trigger',
    color: '#7c3aed',
  },
  outcomes: ['next'],
  describe: (c) => `Customers entering segment ${c.segmentId}, checked every ${c.everyMinutes} min`,
  references: (c) => ({ segmentIds: [c.segmentId] }),
});

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

export const apiTrigger = defineNode({
  type: 'api_trigger',
  version: 1,
  role: 'trigger',
  config: z.object({}),
  palette: {
    label: 'API',
    description: 'Customers entered by an API call',
    icon: 'code',
    category: 'trigger',
    color: '#7c3aed',
  },
  outcomes: ['next'],
  describe: () => 'When entered through the API',
});
