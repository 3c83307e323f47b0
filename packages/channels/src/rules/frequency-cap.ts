/**
 * Frequency caps across all journeys: at most `limit` marketing messages per customer in a rolling window. A
 * message counts from the moment it is dispatched (rules passed, provider called), whether or not the provider has
 * answered yet, so two journeys racing for the last slot cannot both take it; the check and the dispatch mark run
 * in one transaction under a per-customer advisory lock.
 *
 * Priority decides who gives way: routine journeys may use `limit - reservedForHighPriority` slots, high-priority
 * ones all of them; at the cap, journeys at or above `waitAtOrAbovePriority` wait until a slot frees up (the oldest
 * counted message leaves the window), the others are skipped.
 */
import { and, asc, eq, gt, inArray, isNotNull, not, sql, type SQL } from 'drizzle-orm';
import { messages, type Database } from '@wakeflow/db';
import { anyOf } from '../any-of';
import type { ChannelSettings } from './channel-settings';

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
type CapSettings = ChannelSettings['frequencyCap'];

const DAY_MS = 86_400_000;

export type CapDecision = { action: 'send' } | { action: 'skip' } | { action: 'wait'; until: Date };

/** How many marketing messages a journey of this priority may send a customer per window (Infinity: no cap). */
export function capAllowance(priority: number, cap: CapSettings): number {
  if (!cap.enabled) return Infinity;
  return priority >= cap.highPriority ? cap.limit : Math.max(0, cap.limit - cap.reservedForHighPriority);
}

/** Pure: given the dispatch times of counted messages in the window (any order), what this send may do. */
export function decideFrequencyCap(
  counted: readonly Date[],
  priority: number,
  now: Date,
  cap: CapSettings,
): CapDecision {
  if (!cap.enabled) return { action: 'send' };
  const limit = capAllowance(priority, cap);
  const windowMs = cap.windowDays * DAY_MS;
  const inWindow = counted
    .filter((d) => d.getTime() > now.getTime() - windowMs)
    .sort((a, b) => a.getTime() - b.getTime());
  if (inWindow.length < limit) return { action: 'send' };
  if (priority < cap.waitAtOrAbovePriority || limit === 0) return { action: 'skip' };
  // After the (n - limit + 1) oldest messages leave the window, fewer than `limit` remain.
  const freesAt = new Date(inWindow[inWindow.length - limit]!.getTime() + windowMs);
  if (freesAt.getTime() - now.getTime() > cap.maxWaitHours * 3_600_000) return { action: 'skip' };
  return { action: 'wait', until: freesAt };
}

/**
 * Serialises cap decisions for these customers until the surrounding transaction ends: one statement, the locks
 * taken in key order, so two batches sharing customers wait for each other instead of deadlocking.
 */
export async function lockCustomersForCap(
  tx: Pick<Database, 'execute'>,
  customerIds: readonly string[],
): Promise<void> {
  if (customerIds.length === 0) return;
  await tx.execute(sql`
    select pg_advisory_xact_lock(k) from (
      select distinct hashtext('wakeflow-cap:' || id) as k from unnest(${sql.param([...customerIds])}::text[]) as id order by k
    ) locks`);
}

/** One customer's `lockCustomersForCap`. */
export async function lockCustomerForCap(tx: Transaction, customerId: string): Promise<void> {
  await lockCustomersForCap(tx, [customerId]);
}

/** The messages that count against a customer's cap: marketing, dispatched since `since`, and possibly delivered. */
function countsAgainstCap(since: Date): SQL | undefined {
  return and(
    eq(messages.category, 'marketing'),
    // Test sends go to seed recipients, not the customer (they are never dispatched either).
    eq(messages.isTest, false),
    isNotNull(messages.dispatchedAt),
    gt(messages.dispatchedAt, since),
    // A failed send reached nobody; pending-and-dispatched ones may have.
    inArray(messages.status, ['pending', 'sent']),
  );
}

function windowStart(now: Date, cap: CapSettings): Date {
  return new Date(now.getTime() - cap.windowDays * DAY_MS);
}

/** Dispatch times of the customer's marketing messages in the window that count against the cap. */
export async function countedDispatches(
  tx: Transaction,
  customerId: string,
  now: Date,
  cap: CapSettings,
  excludeMessageId: string,
): Promise<Date[]> {
  const counted = await countedDispatchesOf(tx, [customerId], now, cap, { exclude: [excludeMessageId] });
  return counted.get(customerId) ?? [];
}

/**
 * `countedDispatches` for many customers at once (a batch of sends under their locks, a launch estimate), oldest
 * first, read in pages of `pageSize` customers. `exclude`: the messages being decided, which never count
 * against themselves (another attempt may have dispatched one of them meanwhile).
 */
export async function countedDispatchesOf(
  db: Pick<Database, 'select'>,
  customerIds: readonly string[],
  now: Date,
  cap: CapSettings,
  options: { exclude?: readonly string[]; pageSize?: number } = {},
): Promise<Map<string, Date[]>> {
  const out = new Map<string, Date[]>();
  if (!cap.enabled) return out;
  const pageSize = options.pageSize ?? 5_000;
  const exclude = options.exclude ?? [];
  for (let i = 0; i < customerIds.length; i += pageSize) {
    const rows = await db
      .select({ customerId: messages.customerId, at: messages.dispatchedAt })
      .from(messages)
      .where(
        and(
          anyOf(messages.customerId, customerIds.slice(i, i + pageSize), 'uuid'),
          countsAgainstCap(windowStart(now, cap)),
          exclude.length ? not(anyOf(messages.id, exclude, 'uuid')) : undefined,
        ),
      )
      .orderBy(asc(messages.dispatchedAt));
    for (const r of rows) {
      if (!r.at) continue;
      const list = out.get(r.customerId);
      if (list) list.push(r.at);
      else out.set(r.customerId, [r.at]);
    }
  }
  return out;
}
