/** `audience_trigger`: customers who enter a segment, found by a periodic sweep. */
import { z } from 'zod';
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
  describe: (c, names) => `Customers entering “${names.segmentName?.(c.segmentId) ?? c.segmentId}”`,
  references: (c) => ({ segmentIds: [c.segmentId] }),
});
