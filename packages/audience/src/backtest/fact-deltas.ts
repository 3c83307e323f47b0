/**
 * A day's worth of classified events folded into per-customer fact changes, the way ingest moves the stored facts
 * (facts/apply-facts.ts): last activity / login / purchase move forward to the latest such event, purchases and
 * spend add up. The classification (which event is activity, a login or a purchase, and its amount) is not made
 * here: the backtest's event cursor selects it with `eventKindSql`, the one SQL definition ingest uses.
 */

/** The bits of `ClassifiedEvent.kind`: the classification, then one bit per in-memory event leaf. */
export const EVENT_IS_ACTIVITY = 1;
export const EVENT_IS_LOGIN = 2;
export const EVENT_IS_PURCHASE = 4;
/** The bit of the in-memory trigger's first event leaf (as-of-trigger.ts); the next leaves follow it. */
export const FIRST_LEAF_BIT = 3;
/** Event leaves that fit in the 31 bits of a positive int4 after the classification. */
export const MAX_EVENT_LEAVES = 31 - FIRST_LEAF_BIT;

/**
 * One event as the backtest cursor reads it: its customer (by index), time and classification. The cursor reads
 * every event of the log, so this is a few numbers, not strings: one int4 of bits parses faster than three booleans
 * and a flag per leaf.
 */
export interface ClassifiedEvent {
  /** The customer's index in the backtest (1-based). */
  index: number;
  occurredAtMs: number;
  /** `EVENT_IS_ACTIVITY | EVENT_IS_LOGIN | EVENT_IS_PURCHASE`, and from `FIRST_LEAF_BIT` on the leaves it matches. */
  kind: number;
  /** A purchase's amount; null otherwise. */
  amount: number | null;
}

export interface FactDelta {
  index: number;
  firstEventMs: number;
  lastActivityMs: number | null;
  lastLoginMs: number | null;
  lastPurchaseMs: number | null;
  purchases: number;
  spend: number;
}

const later = (a: number | null, b: number): number => (a === null || b > a ? b : a);

export function foldFactEvents(events: Iterable<ClassifiedEvent>): FactDelta[] {
  const byCustomer = new Map<number, FactDelta>();
  for (const e of events) {
    let d = byCustomer.get(e.index);
    if (!d) {
      d = {
        index: e.index,
        firstEventMs: e.occurredAtMs,
        lastActivityMs: null,
        lastLoginMs: null,
        lastPurchaseMs: null,
        purchases: 0,
        spend: 0,
      };
      byCustomer.set(e.index, d);
    }
    d.firstEventMs = Math.min(d.firstEventMs, e.occurredAtMs);
    if (e.kind & EVENT_IS_ACTIVITY) d.lastActivityMs = later(d.lastActivityMs, e.occurredAtMs);
    if (e.kind & EVENT_IS_LOGIN) d.lastLoginMs = later(d.lastLoginMs, e.occurredAtMs);
    if (e.kind & EVENT_IS_PURCHASE) {
      d.lastPurchaseMs = later(d.lastPurchaseMs, e.occurredAtMs);
      d.purchases += 1;
      d.spend += e.amount ?? 0;
    }
  }
  return [...byCustomer.values()];
}
