/**
 * The `ConditionEvaluator` journey branch steps use (interface in @wakeflow/nodes): the segment compiler's SQL,
 * restricted to one customer, evaluated at the workflow's `now` with `since_entry` anchored at `enteredAt`.
 * Same code path as segment counts, so a branch and a segment never disagree on who matches.
 */
import { sql } from 'drizzle-orm';
import type { Condition } from '@wakeflow/journey';
import { customers, type Database } from '@wakeflow/db';
import { prepareCondition, segmentWhere } from './query';

/** Structurally the `ConditionEvaluator` of @wakeflow/nodes (kept here so this package does not depend on it). */
export interface CustomerConditionEvaluator {
  matches(input: {
    workspaceId: string;
    customerId: string;
    condition: Condition;
    enteredAt: string;
    now: string;
  }): Promise<boolean>;
}

export function createConditionEvaluator(db: Database): CustomerConditionEvaluator {
  return {
    async matches({ workspaceId, customerId, condition, enteredAt, now }) {
      const prepared = await prepareCondition(db, workspaceId, condition, { allowSinceEntry: true });
      const where = segmentWhere(workspaceId, prepared, now, enteredAt);
      const rows = await db.execute<{ matches: boolean }>(
        sql`select true as matches from customers where ${customers.id} = ${customerId}::uuid and ${where}`,
      );
      return rows.rows.length > 0;
    },
  };
}
