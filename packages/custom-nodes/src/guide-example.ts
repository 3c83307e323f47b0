/**
 * `tag_by_spend`: tags customers whose lifetime spend reaches an amount, e.g. "vip" from 500 on, so later
 * branches, segments and templates can use the tag. The worked example of docs/custom-nodes.md; a test checks
 * the guide shows exactly this file and runs it on the journey bench.
 */
import { z } from 'zod';
import { defineNode } from '@wakeflow/nodes/spec';

export const tagBySpend = defineNode({
  type: 'tag_by_spend',
  version: 1,
  config: z.object({
    minSpend: z.number({ error: 'Enter an amount' }).positive('Must be more than 0'),
    tag: z.string().regex(/^[a-z0-9_-]{1,40}$/, 'Use lower-case letters, digits, _ and -'),
  }),
  palette: {
    label: 'Tag by spend',
    description: 'Tag customers whose lifetime spend reaches an amount',
    icon: 'tag',
    category: 'custom',
    color: '#0d9488',
  },
  outcomes: ['tagged', 'below'],
  // The words the canvas, problems and run views show for each path.
  outcomeLabel: (outcome, c) =>
    outcome === 'tagged' ? `Spent ${c.minSpend} or more` : `Spent less than ${c.minSpend}`,
  describe: (c) => `Tag “${c.tag}” when lifetime spend is at least ${c.minSpend}`,
  writes: z.object({ totalSpend: z.number() }),
  activity: {
    startToCloseMs: 10_000,
    retry: { maximumAttempts: 5 },
    // The activity gets ports, never the database: `customers.get` and `customers.update` are all it needs.
    async run(input, { customers }) {
      const customer = { workspaceId: input.workspaceId, customerId: input.customerId };
      const totalSpend = (await customers.get(customer))?.totalSpend ?? 0;
      if (totalSpend < input.config.minSpend) return { outcome: 'below', output: { totalSpend } };
      // Adding a tag is set-based: a retried attempt leaves the same profile as one attempt.
      await customers.update(customer, { addTags: [input.config.tag] });
      return { outcome: 'tagged', output: { totalSpend } };
    },
  },
});
