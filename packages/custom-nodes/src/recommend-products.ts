/**
 * The `recommend_products` node (DOMAIN S-RE-6, personalised content): user-based collaborative filtering over the
 * workspace's purchase events. Customers are similar when they bought the same products; the step writes the top
 * products its customer's most similar customers bought and it did not, so a later message can show them:
 * `{{ steps.<this step>.items[0].productId }}`. Customers without history get the most popular products instead.
 */
import { z } from 'zod';
import { durationSchema, durationToMs, formatDuration } from '@wakeflow/journey';
import { defineNode } from '@wakeflow/nodes/spec';
import {
  buildPurchaseMatrix,
  mostPopular,
  recommendFromSimilarCustomers,
  type ScoredProduct,
} from './collaborative-filtering';
import type { CustomNodePorts } from './ports';

export const recommendProductsConfigSchema = z.object({
  /** The purchase event's property that names the product. */
  productProperty: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'Use the property name as sent with events, e.g. productId')
    .default('productId'),
  event: z.string().min(1, 'Choose the event that means “bought”').default('purchase'),
  limit: z.number().int('Use a whole number').min(1, 'At least 1').max(20, 'At most 20').default(3),
  /** How many of the most similar customers to learn from. */
  neighbours: z.number().int('Use a whole number').min(1, 'At least 1').max(200, 'At most 200').default(20),
  /** `binary`: bought or not; `count`: repeat purchases weigh more. */
  weighting: z.enum(['binary', 'count']).default('binary'),
  /** Only purchases in this window before the step; all history when absent. */
  lookback: durationSchema.optional(),
  /** Customers without history (or without similar customers) get the most popular products, or nothing. */
  fallback: z.enum(['popular', 'none']).default('popular'),
});
export type RecommendProductsConfig = z.infer<typeof recommendProductsConfigSchema>;

export const recommendationOutputSchema = z.object({
  items: z.array(z.object({ productId: z.string(), score: z.number() })),
  /** Where the items came from, for templates that word them differently and for analysis. */
  source: z.enum(['similar_customers', 'popular', 'none']),
});
export type RecommendationOutput = z.infer<typeof recommendationOutputSchema>;

export const recommendProducts = defineNode<typeof recommendProductsConfigSchema, CustomNodePorts>({
  type: 'recommend_products',
  version: 1,
  config: recommendProductsConfigSchema,
  palette: {
    label: 'Recommend products',
    description: 'Products that similar customers bought (collaborative filtering), for the next message',
    icon: 'sparkles',
    category: 'custom',
    color: '#7c3aed',
  },
  outcomes: ['found', 'none'],
  describe: (c) =>
    `Recommend ${c.limit} product${c.limit === 1 ? '' : 's'} from ${c.event} events by “${c.productProperty}”` +
    (c.lookback ? ` in the last ${formatDuration(c.lookback)}` : ''),
  writes: recommendationOutputSchema,
  activity: {
    // One aggregate query over the window; generous, because a large workspace scans many events.
    startToCloseMs: 60_000,
    retry: { maximumAttempts: 5 },
    async run(input, { purchases }) {
      const c = input.config;
      const until = new Date(input.at);
      const window = {
        workspaceId: input.workspaceId,
        event: c.event,
        productProperty: c.productProperty,
        until,
        ...(c.lookback ? { since: new Date(until.getTime() - durationToMs(c.lookback)) } : {}),
      };
      const rows = await purchases.neighbourhood({ ...window, customerId: input.customerId });
      const matrix = buildPurchaseMatrix(rows, c.weighting);
      let output: RecommendationOutput = { items: [], source: 'none' };
      const similar = recommendFromSimilarCustomers(matrix, input.customerId, {
        limit: c.limit,
        neighbours: c.neighbours,
      });
      if (similar.length > 0) {
        output = { items: similar, source: 'similar_customers' };
      } else if (c.fallback === 'popular') {
        const owned = new Set(matrix.get(input.customerId)?.keys() ?? []);
        // Fetch enough to still have `limit` after dropping what the customer already owns.
        const popularity = await purchases.popularity(window, c.limit + owned.size);
        const popular: ScoredProduct[] = mostPopular(
          popularity.products,
          popularity.totalBuyers,
          owned,
          c.limit,
        );
        if (popular.length > 0) output = { items: popular, source: 'popular' };
      }
      return { outcome: output.items.length > 0 ? 'found' : 'none', output };
    },
  },
});
