/** The `coupons` port on PostgreSQL: a customer's standing for choosing an offer, and exactly-once claims. */
import { and, eq } from 'drizzle-orm';
import { customers, type Database } from '@wakeflow/db';
import type { CouponDesk } from '../nodes/ports';
import { daysInactive } from '../templates/variables';
import { claimCoupon } from './claim';
import { findCouponPoolRow } from './pools';

export function createCouponDesk(db: Database): CouponDesk {
  return {
    async standing(ref, at) {
      const [customer] = await db
        .select({
          lastActivityAt: customers.lastActivityAt,
          lastLoginAt: customers.lastLoginAt,
          lastPurchaseAt: customers.lastPurchaseAt,
          valueTier: customers.valueTier,
        })
        .from(customers)
        .where(and(eq(customers.workspaceId, ref.workspaceId), eq(customers.id, ref.customerId)));
      return customer ? { daysInactive: daysInactive(customer, at), valueTier: customer.valueTier } : null;
    },
    async claimOnce(claim) {
      const coupon = await claimCoupon(db, {
        workspaceId: claim.workspaceId,
        poolId: claim.poolId,
        claimKey: claim.claimKey,
        customerId: claim.customerId,
        now: claim.at,
      });
      if (!coupon) return null;
      const pool = await findCouponPoolRow(db, claim.workspaceId, coupon.poolId);
      return {
        poolId: coupon.poolId,
        code: coupon.code,
        valueCents: coupon.valueCents,
        minSpendCents: pool?.minSpendCents ?? 0,
        currency: pool?.currency ?? 'CNY',
        expiresAt: pool?.expiresAt?.toISOString() ?? null,
      };
    },
  };
}
