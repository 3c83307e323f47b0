/** The `customers` port on PostgreSQL: what node activities may read and change of a profile. Worker-side only. */
import { and, eq, sql } from 'drizzle-orm';
import { customers, type Database } from '@wakeflow/db';
import type { CustomerStore } from '../ports';

export function createCustomerStore(db: Database): CustomerStore {
  const byRef = (ref: { workspaceId: string; customerId: string }) =>
    and(eq(customers.workspaceId, ref.workspaceId), eq(customers.id, ref.customerId));
  return {
    async get(ref) {
      const [row] = await db
        .select({ traits: customers.traits, tags: customers.tags, totalSpend: customers.totalSpend })
        .from(customers)
        .where(byRef(ref));
      return row ? { traits: row.traits, tags: row.tags, totalSpend: row.totalSpend } : null;
    },
    async update(ref, change) {
      const setTraits = change.setTraits ?? {};
      const addTags = [...(change.addTags ?? [])];
      const removeTags = [...(change.removeTags ?? [])];
      // Set-based and idempotent: applying the change twice leaves the same profile.
      await db
        .update(customers)
        .set({
          traits: sql`${customers.traits} || ${JSON.stringify(setTraits)}::jsonb`,
          tags: sql`array(select distinct t from unnest(array_cat(${customers.tags}, ${sql.param(addTags)}::text[])) as t where t <> all(${sql.param(removeTags)}::text[]) order by t)`,
          updatedAt: new Date(),
        })
        .where(byRef(ref));
    },
  };
}
