/**
 * `tag_by_spend`: tags customers whose lifetime spend reaches an amount, e.g. "vip" from 500 on, so later
 * branches, segments and templates can use the tag. The worked example of docs/custom-nodes.md; a test checks
 * the guide shows exactly this file and runs it on the journey bench.
 */
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { customers } from '@wakeflow/db';
import { defineNode } from '@wakeflow/nodes';

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
  describe: (c) => `Tag “${c.tag}” when lifetime spend is at least ${c.minSpend}`,
  writes: z.object({ totalSpend: z.number() }),
  activity: {
    startToCloseMs: 10_000,
    retry: { maximumAttempts: 5 },
    async run(input, { db }) {
      const customer = and(eq(customers.workspaceId, input.workspaceId), eq(customers.id, input.customerId));
      const [row] = await db.select({ totalSpend: customers.totalSpend }).from(customers).where(customer);
      const totalSpend = row?.totalSpend ?? 0;
      if (totalSpend < input.config.minSpend) return { outcome: 'below', output: { totalSpend } };
      // Add the tag only if missing: a retried attempt must leave the same profile as one attempt.
      const tag = sql`${input.config.tag}::text`;
      await db
        .update(customers)
        .set({
          tags: sql`case when ${tag} = any(${customers.tags}) then ${customers.tags} else array_append(${customers.tags}, ${tag}) end`,
        })
        .where(customer);
      return { outcome: 'tagged', output: { totalSpend } };
    },
  },
});
