/**
 * Coupon pools and their stock: create and edit pools, import unique codes (duplicates are reported, not
 * inserted), or generate codes from the pool's pattern. Stock figures (free, claimed, redeemed) feed the API.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { couponCodesImportSchema, couponPoolBodySchema, type CouponPoolInput } from '@wakeflow/contracts';
import { couponPools, coupons, type Database } from '@wakeflow/db';
import { checkPattern, generateCode } from './pattern';

/** The HTTP contract's pool body, plus the code-pattern check only this package can make. */
export const couponPoolInputSchema = couponPoolBodySchema.superRefine((p, ctx) => {
  const problem = p.pattern ? checkPattern(p.pattern) : null;
  if (problem) ctx.addIssue({ code: 'custom', path: ['pattern'], message: problem });
});
export type { CouponPoolInput };
export { couponCodesImportSchema };

export interface CouponPoolView {
  id: string;
  name: string;
  description: string;
  valueCents: number;
  minSpendCents: number;
  currency: string;
  pattern: string | null;
  expiresAt: string | null;
  stock: { total: number; free: number; claimed: number; redeemed: number };
}

type PoolRow = typeof couponPools.$inferSelect;

async function stockOf(
  db: Database,
  workspaceId: string,
  poolIds: string[],
): Promise<Map<string, CouponPoolView['stock']>> {
  if (poolIds.length === 0) return new Map();
  const rows = await db
    .select({
      poolId: coupons.poolId,
      total: sql<number>`count(*)::int`,
      claimed: sql<number>`count(${coupons.claimKey})::int`,
      redeemed: sql<number>`count(${coupons.redeemedAt})::int`,
    })
    .from(coupons)
    .where(and(eq(coupons.workspaceId, workspaceId), inArray(coupons.poolId, poolIds)))
    .groupBy(coupons.poolId);
  return new Map(
    rows.map((r) => [
      r.poolId,
      { total: r.total, free: r.total - r.claimed, claimed: r.claimed, redeemed: r.redeemed },
    ]),
  );
}

function view(row: PoolRow, stock: CouponPoolView['stock'] | undefined): CouponPoolView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    valueCents: row.valueCents,
    minSpendCents: row.minSpendCents,
    currency: row.currency,
    pattern: row.pattern,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    stock: stock ?? { total: 0, free: 0, claimed: 0, redeemed: 0 },
  };
}

/** The pool's own columns from a checked input (all but its workspace and id). */
function poolColumns(p: CouponPoolInput) {
  return {
    name: p.name,
    description: p.description,
    valueCents: p.valueCents,
    minSpendCents: p.minSpendCents,
    currency: p.currency,
    pattern: p.pattern ?? null,
    expiresAt: p.expiresAt ? new Date(p.expiresAt) : null,
  };
}

export async function createCouponPool(
  db: Database,
  workspaceId: string,
  input: CouponPoolInput,
): Promise<CouponPoolView | null> {
  const p = couponPoolInputSchema.parse(input);
  const [row] = await db
    .insert(couponPools)
    .values({
      workspaceId,
      id: p.id,
      ...poolColumns(p),
    })
    .onConflictDoNothing()
    .returning();
  return row ? view(row, undefined) : null;
}

export async function updateCouponPool(
  db: Database,
  workspaceId: string,
  id: string,
  input: Omit<CouponPoolInput, 'id'>,
): Promise<CouponPoolView | null> {
  const p = couponPoolInputSchema.parse({ ...input, id });
  const [row] = await db
    .update(couponPools)
    .set({ ...poolColumns(p), updatedAt: new Date() })
    .where(and(eq(couponPools.workspaceId, workspaceId), eq(couponPools.id, id)))
    .returning();
  if (!row) return null;
  return view(row, (await stockOf(db, workspaceId, [id])).get(id));
}

export async function listCouponPools(db: Database, workspaceId: string): Promise<CouponPoolView[]> {
  const rows = await db
    .select()
    .from(couponPools)
    .where(eq(couponPools.workspaceId, workspaceId))
    .orderBy(asc(couponPools.id));
  const stock = await stockOf(
    db,
    workspaceId,
    rows.map((r) => r.id),
  );
  return rows.map((r) => view(r, stock.get(r.id)));
}

export async function getCouponPool(
  db: Database,
  workspaceId: string,
  id: string,
): Promise<CouponPoolView | null> {
  const row = await findCouponPoolRow(db, workspaceId, id);
  return row ? view(row, (await stockOf(db, workspaceId, [id])).get(id)) : null;
}

export async function findCouponPoolRow(
  db: Database,
  workspaceId: string,
  id: string,
): Promise<PoolRow | null> {
  const [row] = await db
    .select()
    .from(couponPools)
    .where(and(eq(couponPools.workspaceId, workspaceId), eq(couponPools.id, id)));
  return row ?? null;
}

/** Inserts codes into a pool, skipping those it already has; returns how many were new. */
async function insertCodes(db: Database, pool: PoolRow, codes: readonly string[]): Promise<number> {
  const rows = await db
    .insert(coupons)
    .values(
      codes.map((code) => ({
        workspaceId: pool.workspaceId,
        poolId: pool.id,
        code,
        valueCents: pool.valueCents,
      })),
    )
    .onConflictDoNothing()
    .returning({ id: coupons.id });
  return rows.length;
}

/** Adds codes to a pool; a code already in the pool (or twice in the input) is counted as a duplicate. */
export async function importCouponCodes(
  db: Database,
  pool: PoolRow,
  codes: readonly string[],
): Promise<{ inserted: number; duplicates: number }> {
  const unique = [...new Set(codes.map((c) => c.trim().toUpperCase()))];
  let inserted = 0;
  for (let i = 0; i < unique.length; i += 5_000) {
    const chunk = unique.slice(i, i + 5_000);
    inserted += await insertCodes(db, pool, chunk);
  }
  return { inserted, duplicates: codes.length - inserted };
}

/** Generates `count` new codes from the pool's pattern, drawing again for the rare collision. */
export async function generateCouponCodes(
  db: Database,
  pool: PoolRow,
  count: number,
): Promise<{ inserted: number }> {
  if (!pool.pattern) throw new Error(`Pool ${pool.id} has no pattern to generate codes from`);
  let inserted = 0;
  for (let round = 0; round < 10 && inserted < count; round++) {
    const wanted = Math.min(count - inserted, 5_000);
    const codes = new Set<string>();
    while (codes.size < wanted) codes.add(generateCode(pool.pattern));
    inserted += await insertCodes(db, pool, [...codes]);
  }
  return { inserted };
}
