/**
 * The `coupon_offer` node: picks the offer that fits the customer (DOMAIN S-RE-3: 20 off with no minimum for
 * 3–6 months dormant, 50 off above a threshold for 6–12 months) and claims one code from its pool, exactly once per
 * run and step. Later templates read `steps.<this step>.code`, `.value_cents`, `.min_spend_cents`. The customer's
 * standing and the claim come through the `coupons` port; the kind never sees the database.
 */
import { z } from 'zod';
import { defineNode } from '@wakeflow/nodes/spec';
import type { ChannelNodePorts } from './ports';

const offerSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'Use lower-case letters, digits and _'),
    poolId: z.string().min(1, 'Choose a coupon pool'),
    /** Days since the last activity, inclusive lower bound. */
    minDaysInactive: z.number().int().min(0).optional(),
    /** Exclusive upper bound. */
    maxDaysInactive: z.number().int().min(1).optional(),
    valueTiers: z
      .array(z.enum(['high', 'mid', 'low']))
      .min(1)
      .optional(),
  })
  .refine(
    (o) =>
      o.minDaysInactive === undefined ||
      o.maxDaysInactive === undefined ||
      o.minDaysInactive < o.maxDaysInactive,
    {
      message: 'The lower bound must be below the upper bound',
      path: ['maxDaysInactive'],
    },
  );

export const couponOfferConfigSchema = z.object({
  offers: z.array(offerSchema).min(1, 'Add at least one offer'),
});
export type CouponOfferConfig = z.infer<typeof couponOfferConfigSchema>;

const outputSchema = z.object({
  offer: z.string(),
  pool_id: z.string(),
  code: z.string(),
  value_cents: z.number(),
  min_spend_cents: z.number(),
  currency: z.string(),
  expires_at: z.string().nullable(),
});

/** The first offer whose conditions the customer meets. */
export function chooseOffer(
  offers: CouponOfferConfig['offers'],
  customer: { daysInactive: number | null; valueTier: string | null },
): CouponOfferConfig['offers'][number] | null {
  for (const o of offers) {
    const d = customer.daysInactive;
    if (o.minDaysInactive !== undefined && (d === null || d < o.minDaysInactive)) continue;
    if (o.maxDaysInactive !== undefined && (d === null || d >= o.maxDaysInactive)) continue;
    if (
      o.valueTiers &&
      (!customer.valueTier || !o.valueTiers.includes(customer.valueTier as 'high' | 'mid' | 'low'))
    )
      continue;
    return o;
  }
  return null;
}

export const couponOffer = defineNode<typeof couponOfferConfigSchema, ChannelNodePorts>({
  type: 'coupon_offer',
  version: 1,
  config: couponOfferConfigSchema,
  palette: {
    label: 'Coupon offer',
    description: 'Give a graded coupon by dormancy and value',
    icon: 'ticket',
    category: 'data',
    color: '#db2777',
  },
  outcomes: ['assigned', 'none'],
  describe: (c) => `Offer ${c.offers.map((o) => o.name).join(' / ')}`,
  references: (c) => ({ couponPoolIds: [...new Set(c.offers.map((o) => o.poolId))] }),
  writes: outputSchema,
  activity: {
    startToCloseMs: 30_000,
    async run(input, { coupons, logger }) {
      const at = new Date(input.at);
      const standing = await coupons.standing(input, at);
      const offer = standing && chooseOffer(input.config.offers, standing);
      if (!offer) return { outcome: 'none' };
      const coupon = await coupons.claimOnce({
        workspaceId: input.workspaceId,
        customerId: input.customerId,
        poolId: offer.poolId,
        claimKey: `${input.workflowId}#${input.nodeId}`,
        at,
      });
      if (!coupon) {
        logger.warn('coupon pool is empty', { poolId: offer.poolId, runId: input.runId });
        return { outcome: 'none' };
      }
      const output: z.infer<typeof outputSchema> = {
        offer: offer.name,
        pool_id: coupon.poolId,
        code: coupon.code,
        value_cents: coupon.valueCents,
        min_spend_cents: coupon.minSpendCents,
        currency: coupon.currency,
        expires_at: coupon.expiresAt,
      };
      return { outcome: 'assigned', output };
    },
  },
});
