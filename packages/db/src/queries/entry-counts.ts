/**
 * How many customers entered a journey in all, in the last hour and in the last day: what its entry limits are
 * checked against. Counted from the runs table (a run's row is written before its workflow starts), so every API and
 * worker process sees the same numbers. The run starter counts under its per-journey lock; the launch estimate reads.
 */
import { sql } from 'drizzle-orm';
import { ENTRY_WINDOW_MS, type EntryCounts } from '@wakeflow/journey';
import type { Database } from '../client';

export async function countEntries(
  db: Pick<Database, 'execute'>,
  journeyId: string,
  now: Date,
): Promise<EntryCounts> {
  const counts = await db.execute<{ total: number; last_hour: number; last_day: number }>(sql`
    select count(*)::int as total,
           count(*) filter (where started_at > ${new Date(now.getTime() - ENTRY_WINDOW_MS.hour).toISOString()}::timestamptz)::int as last_hour,
           count(*) filter (where started_at > ${new Date(now.getTime() - ENTRY_WINDOW_MS.day).toISOString()}::timestamptz)::int as last_day
    from runs where journey_id = ${journeyId}`);
  const row = counts.rows[0] ?? { total: 0, last_hour: 0, last_day: 0 };
  return { total: row.total, lastHour: row.last_hour, lastDay: row.last_day };
}
