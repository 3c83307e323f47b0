/** `exit`: ends the journey with a named outcome. */
import { z } from 'zod';
import { defineNode } from '../define-node';
import { humanize } from '../words';
import { outcomeNameSchema } from './local-time';

export const exit = defineNode({
  type: 'exit',
  version: 1,
  role: 'exit',
  config: z.object({ outcome: outcomeNameSchema.default('completed') }),
  palette: {
    label: 'Exit',
    description: 'End the journey with a named outcome',
    icon: 'flag',
    category: 'flow',
    color: '#475569',
  },
  starter: () => ({ outcome: 'completed' }),
  outcomes: [],
  describe: (c) => `Exit as ${humanize(c.outcome)}`,
  plan: (c) => ({ op: 'exit', outcome: c.outcome }),
});
