/**
 * A day's worth of classified events folded into per-customer fact changes, the way ingest moves the stored facts
 * (facts/apply-facts.ts): last activity / login / purchase move forward to the latest such event, purchases and
 * spend add up. The classification (which event is activity, a login or a purchase, and its amount) is not made
 * here: the backtest's event cursor selects it with `eventKindColumns`, the one SQL definition ingest uses.
 */

/** One event as the backtest cursor reads it: its customer, time and classification. */
export interface ClassifiedEvent {
  customerId: string;
  occurredAtMs: number;
  isActivity: boolean;
  isLogin: boolean;
  isPurchase: boolean;
  /** 0 unless a purchase. */
  amount: number;
}

export interface FactDelta {
  customerId: string;
  firstEventMs: number;
  lastActivityMs: number | null;
  lastLoginMs: number | null;
  lastPurchaseMs: number | null;
  purchases: number;
  spend: number;
}

const later = (a: number | null, b: number): number => (a === null || b > a ? b : a);

export function foldFactEvents(events: Iterable<ClassifiedEvent>): FactDelta[] {
  const byCustomer = new Map<string, FactDelta>();
  for (const e of events) {
    let d = byCustomer.get(e.customerId);
    if (!d) {
      d = {
        customerId: e.customerId,
        firstEventMs: e.occurredAtMs,
        lastActivityMs: null,
        lastLoginMs: null,
        lastPurchaseMs: null,
        purchases: 0,
        spend: 0,
      };
      byCustomer.set(e.customerId, d);
    }
    d.firstEventMs = Math.min(d.firstEventMs, e.occurredAtMs);
    if (e.isActivity) d.lastActivityMs = later(d.lastActivityMs, e.occurredAtMs);
    if (e.isLogin) d.lastLoginMs = later(d.lastLoginMs, e.occurredAtMs);
    if (e.isPurchase) {
      d.lastPurchaseMs = later(d.lastPurchaseMs, e.occurredAtMs);
      d.purchases += 1;
      d.spend += e.amount;
    }
  }
  return [...byCustomer.values()];
}
