/**
 * Giving a coupon code to a customer exactly once. The claim key (run + step) is unique per workspace, so a retried
 * or replayed step finds the code it already took instead of taking a second; concurrent claims take different free
 * codes thanks to `for update skip locked`, and a pool with a pattern mints a new code when its stock runs out.
 */
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { coupons, type Database } from '@wakeflow/db';
import { findCouponPoolRow } from './pools';
import { generateCode } from './pattern';

type CouponRow = typeof coupons.$inferSelect;

export interface ClaimRequest {
  workspaceId: string;
  poolId: string;
  /** Stable across retries: `<workflowId>#<nodeId>`. */
  claimKey: string;
  customerId: string;
  now: Date;
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string } };
  return e.code === '23505' || e.cause?.code === '23505';
}

async function byClaimKey(db: Database, workspaceId: string, claimKey: string): Promise<CouponRow | null> {
  const [row] = await db
    .select()
    .from(coupons)
    .where(and(eq(coupons.workspaceId, workspaceId), eq(coupons.claimKey, claimKey)));
  return row ?? null;
}

/** The claimed coupon, or null when the pool is empty and has no pattern (or does not exist). */
export async function claimCoupon(db: Database, req: ClaimRequest): Promise<CouponRow | null> {
  const existing = await byClaimKey(db, req.workspaceId, req.claimKey);
  if (existing) return existing;
  try {
    const free = db
      .select({ id: coupons.id })
      .from(coupons)
      .where(
        and(
          eq(coupons.workspaceId, req.workspaceId),
          eq(coupons.poolId, req.poolId),
          isNull(coupons.claimKey),
        ),
      )
      .orderBy(asc(coupons.id))
      .limit(1)
      .for('update', { skipLocked: true });
    const [claimed] = await db
      .update(coupons)
      .set({ claimKey: req.claimKey, customerId: req.customerId, claimedAt: req.now })
      .where(sql`${coupons.id} = (${free})`)
      .returning();
    if (claimed) return claimed;
  } catch (error) {
    // The same key claimed concurrently by another attempt: that attempt's code is the answer.
    if (isUniqueViolation(error)) return byClaimKey(db, req.workspaceId, req.claimKey);
    throw error;
  }
  const pool = await findCouponPoolRow(db, req.workspaceId, req.poolId);
  if (!pool?.pattern) return null;
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      const [minted] = await db
        .insert(coupons)
        .values({
          workspaceId: req.workspaceId,
          poolId: req.poolId,
          code: generateCode(pool.pattern),
          valueCents: pool.valueCents,
          claimKey: req.claimKey,
          customerId: req.customerId,
          claimedAt: req.now,
        })
        .returning();
      if (minted) return minted;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const raced = await byClaimKey(db, req.workspaceId, req.claimKey);
      if (raced) return raced;
      // A code collision: draw again.
    }
  }
  throw new Error(`Could not mint a unique code for pool ${req.poolId} in 10 draws; widen its pattern`);
}
