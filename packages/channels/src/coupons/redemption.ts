/**
 * Redemption tracking. A `coupon_redeemed` event (property `code`) or a purchase naming a coupon (`coupon_code`,
 * `coupon`, or a `coupons` list) marks the code redeemed. A purchase-detected redemption is also recorded as a
 * `coupon_redeemed` event, so journeys wait for one event name whichever way the shop reports it.
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { coupons, customers, type Database } from '@wakeflow/db';
import type { EventRecorder } from '../tracking/events';

export interface RedemptionSourceEvent {
  workspaceId: string;
  name: string;
  properties: Record<string, unknown>;
  occurredAt: Date;
  customerId: string | null;
}

/** The coupon codes an event says were used. */
export function couponCodesIn(event: Pick<RedemptionSourceEvent, 'name' | 'properties'>): string[] {
  const p = event.properties;
  const out: unknown[] = [];
  if (event.name === 'coupon_redeemed') out.push(p.code, p.coupon_code);
  else if (event.name === 'purchase' || event.name === 'store_purchase') {
    out.push(p.coupon_code, p.coupon);
    if (Array.isArray(p.coupons)) out.push(...(p.coupons as unknown[]));
  }
  return [
    ...new Set(
      out
        .filter((c): c is string => typeof c === 'string' && c.trim() !== '')
        .map((c) => c.trim().toUpperCase()),
    ),
  ];
}

/** Marks the event's codes redeemed (first redemption wins) and returns how many coupons changed. */
export async function recordCouponRedemption(
  db: Database,
  event: RedemptionSourceEvent,
  recorder?: EventRecorder,
): Promise<number> {
  const codes = couponCodesIn(event);
  if (codes.length === 0) return 0;
  const redeemed = await db
    .update(coupons)
    .set({ redeemedAt: event.occurredAt })
    .where(
      and(
        eq(coupons.workspaceId, event.workspaceId),
        inArray(coupons.code, codes),
        isNull(coupons.redeemedAt),
      ),
    )
    .returning();
  if (recorder && event.name !== 'coupon_redeemed') {
    for (const c of redeemed) {
      const customerId = c.customerId ?? event.customerId;
      if (!customerId) continue;
      const [customer] = await db
        .select({ externalId: customers.externalId })
        .from(customers)
        .where(eq(customers.id, customerId));
      if (!customer) continue;
      await recorder.record({
        workspaceId: event.workspaceId,
        eventId: `coupon:${c.id}:redeemed`,
        customerId,
        customerExternalId: customer.externalId,
        name: 'coupon_redeemed',
        properties: { code: c.code, pool_id: c.poolId, value_cents: c.valueCents, source: event.name },
        occurredAt: event.occurredAt,
      });
    }
  }
  return redeemed.length;
}

/**
 * Set-based catch-up over the event log (e.g. after an import of historical orders): every unredeemed coupon whose
 * code appears in a redemption or purchase event gets the earliest such event's time.
 */
export async function syncCouponRedemptions(db: Database, workspaceId: string): Promise<number> {
  const result = await db.execute(sql`
    with used as (
      select upper(trim(code)) as code, min(e.occurred_at) as at
      from events e,
        lateral (
          select e.properties->>'code' as code where e.name = 'coupon_redeemed'
          union all select e.properties->>'coupon_code' where e.name in ('coupon_redeemed', 'purchase', 'store_purchase')
          union all select e.properties->>'coupon' where e.name in ('purchase', 'store_purchase')
          union all select jsonb_array_elements_text(case when jsonb_typeof(e.properties->'coupons') = 'array' then e.properties->'coupons' else '[]'::jsonb end)
            where e.name in ('purchase', 'store_purchase')
        ) codes
      where e.workspace_id = ${workspaceId} and code is not null
      group by 1
    )
    update coupons c set redeemed_at = used.at
    from used
    where c.workspace_id = ${workspaceId} and c.code = used.code and c.redeemed_at is null
  `);
  return result.rowCount ?? 0;
}
