/**
 * The `purchases` port on PostgreSQL (worker-side). Loads what `recommend_products` needs from the event log: the part of the customer × product matrix that can
 * influence one customer's recommendations (their own row and the rows of everyone who shares a product with
 * them), and product popularity for the fallback. Rows and counts come from SQL; the math is in
 * collaborative-filtering.ts.
 *
 * Cost: one pass over the workspace's purchase events in the window (the events table has no index on product
 * properties). That is fine for thousands of customers per workspace; for millions, precompute the matrix or
 * neighbours on a schedule and read those here instead.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '@wakeflow/db';
import type { PurchaseHistory, PurchaseQuery, PurchaseRow } from '../ports';

/** The purchases of the workspace in the window, grouped by customer and product, as a CTE named `m`. */
function matrixCte(q: Omit<PurchaseQuery, 'customerId'>): SQL {
  return sql`with m as (
    select e.customer_id::text as customer_id, e.properties ->> ${q.productProperty} as product_id, count(*)::int as purchases
    from events e
    where e.workspace_id = ${q.workspaceId}
      and e.name = ${q.event}
      and e.customer_id is not null
      and e.occurred_at <= ${q.until.toISOString()}::timestamptz
      ${q.since ? sql`and e.occurred_at > ${q.since.toISOString()}::timestamptz` : sql``}
      and coalesce(e.properties ->> ${q.productProperty}, '') <> ''
    group by 1, 2
  )`;
}

/** The customer's row and the rows of every customer who bought at least one of the same products. */
export async function loadNeighbourhood(db: Database, q: PurchaseQuery): Promise<PurchaseRow[]> {
  const result = await db.execute<{
    customer_id: string;
    product_id: string;
    purchases: number;
  }>(sql`${matrixCte(q)}
    select m.customer_id, m.product_id, m.purchases
    from m
    where m.customer_id in (
      select distinct other.customer_id
      from m other
      where other.product_id in (select mine.product_id from m mine where mine.customer_id = ${q.customerId})
    )`);
  return result.rows.map((r) => ({
    customerId: r.customer_id,
    productId: r.product_id,
    purchases: Number(r.purchases),
  }));
}

/** The `limit` products bought by the most customers, and how many customers bought anything. */
export async function loadPopularity(
  db: Database,
  q: Omit<PurchaseQuery, 'customerId'>,
  limit: number,
): Promise<{ products: { productId: string; buyers: number }[]; totalBuyers: number }> {
  const result = await db.execute<{
    product_id: string;
    buyers: number;
    total_buyers: number;
  }>(sql`${matrixCte(q)}
    select m.product_id, count(*)::int as buyers, (select count(distinct customer_id) from m)::int as total_buyers
    from m
    group by m.product_id
    order by buyers desc, m.product_id
    limit ${limit}`);
  return {
    products: result.rows.map((r) => ({ productId: r.product_id, buyers: Number(r.buyers) })),
    totalBuyers: Number(result.rows[0]?.total_buyers ?? 0),
  };
}

export function createPurchaseHistory(db: Database): PurchaseHistory {
  return {
    neighbourhood: (query) => loadNeighbourhood(db, query),
    popularity: (query, limit) => loadPopularity(db, query, limit),
  };
}
