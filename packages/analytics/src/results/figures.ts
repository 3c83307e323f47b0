/**
 * The figures of a journey's results from rollup rows (formulas in docs/measurement.md). Pure: the API reads the
 * rollups, this turns counts and sums into rates, intervals, lifts, costs and LTV uplift, and the tests check it
 * against hand-computed values.
 */
import {
  meanDifference,
  newcombeDifference,
  relativeLiftInterval,
  wilsonInterval,
  type Interval,
} from '../stats/intervals';

/** Sums over rollup rows of one group. Money: cost in micros and coupon value in cents of the workspace currency. */
export interface RollupTotals {
  entered: number;
  messaged: number;
  messagesSent: number;
  converted: number;
  conversionValue: number;
  costMicros: number;
  couponCents: number;
  spendBefore: number;
  spendBeforeConverted: number;
  spendAfterEntry: number;
  spendAfterEntrySq: number;
  spendAfterConversion: number;
}

export interface RollupRow extends RollupTotals {
  day: string;
  version: number;
  holdout: boolean;
  arm: string;
}

export const emptyTotals = (): RollupTotals => ({
  entered: 0,
  messaged: 0,
  messagesSent: 0,
  converted: 0,
  conversionValue: 0,
  costMicros: 0,
  couponCents: 0,
  spendBefore: 0,
  spendBeforeConverted: 0,
  spendAfterEntry: 0,
  spendAfterEntrySq: 0,
  spendAfterConversion: 0,
});

export function addTotals(into: RollupTotals, row: RollupTotals): RollupTotals {
  for (const k of Object.keys(into) as (keyof RollupTotals)[]) into[k] += row[k];
  return into;
}

export interface GroupFigures {
  entered: number;
  messaged: number;
  messagesSent: number;
  converted: number;
  /** Reactivation rate: converted / entered. */
  rate: number | null;
  /** 95% Wilson interval of the rate. */
  rateInterval: Interval | null;
  cost: { messages: number; coupons: number; total: number };
  costPerReactivation: number | null;
  conversionValue: number;
  ltv: {
    /** Mean spend of the reactivated in the N days before they went dormant. */
    spendBeforePerReactivated: number | null;
    /** Mean spend of the reactivated in the N days after their conversion. */
    spendAfterPerReactivated: number | null;
    /** After − before, per reactivated customer. */
    upliftPerReactivated: number | null;
    /** Mean spend in the N days after entry, per entrant (compared with the holdout in `lift`). */
    spendAfterEntryPerEntrant: number | null;
  };
}

export interface LiftFigures {
  /** The control group the treatment is compared with. */
  holdout: { entered: number; converted: number; rate: number | null };
  /** Treatment rate − holdout rate, with Newcombe's 95% interval. */
  absoluteLift: number | null;
  absoluteLiftInterval: Interval | null;
  /** Treatment rate / holdout rate − 1, with the log-method 95% interval. */
  relativeLift: number | null;
  relativeLiftInterval: Interval | null;
  /** (treatment rate − holdout rate) × treatment entrants. */
  incrementalReactivations: number | null;
  costPerIncrementalReactivation: number | null;
  /** Spend after entry per entrant, treatment − holdout, with a 95% (Welch) interval. */
  spendAfterEntryDifference: number | null;
  spendAfterEntryDifferenceInterval: Interval | null;
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

export function groupFigures(t: RollupTotals): GroupFigures {
  const messages = t.costMicros / 1e6;
  const coupons = t.couponCents / 100;
  const total = messages + coupons;
  const before = ratio(t.spendBeforeConverted, t.converted);
  const after = ratio(t.spendAfterConversion, t.converted);
  return {
    entered: t.entered,
    messaged: t.messaged,
    messagesSent: t.messagesSent,
    converted: t.converted,
    rate: ratio(t.converted, t.entered),
    rateInterval: wilsonInterval(t.converted, t.entered),
    cost: { messages, coupons, total },
    costPerReactivation: ratio(total, t.converted),
    conversionValue: t.conversionValue,
    ltv: {
      spendBeforePerReactivated: before,
      spendAfterPerReactivated: after,
      upliftPerReactivated: before !== null && after !== null ? after - before : null,
      spendAfterEntryPerEntrant: ratio(t.spendAfterEntry, t.entered),
    },
  };
}

/** Treatment (messaged groups) against the holdout (never messaged). Null without a holdout. */
export function liftFigures(treatment: RollupTotals, holdout: RollupTotals): LiftFigures | null {
  if (holdout.entered === 0 || treatment.entered === 0) return null;
  const pT = treatment.converted / treatment.entered;
  const pC = holdout.converted / holdout.entered;
  const absolute = pT - pC;
  const relative = relativeLiftInterval(
    treatment.converted,
    treatment.entered,
    holdout.converted,
    holdout.entered,
  );
  const incremental = absolute * treatment.entered;
  const cost = treatment.costMicros / 1e6 + treatment.couponCents / 100;
  const spend = meanDifference(
    { n: treatment.entered, sum: treatment.spendAfterEntry, sumSq: treatment.spendAfterEntrySq },
    { n: holdout.entered, sum: holdout.spendAfterEntry, sumSq: holdout.spendAfterEntrySq },
  );
  return {
    holdout: { entered: holdout.entered, converted: holdout.converted, rate: pC },
    absoluteLift: absolute,
    absoluteLiftInterval: newcombeDifference(
      treatment.converted,
      treatment.entered,
      holdout.converted,
      holdout.entered,
    ),
    relativeLift: pC > 0 ? pT / pC - 1 : null,
    relativeLiftInterval: relative?.interval ?? null,
    incrementalReactivations: incremental,
    // Only a positive lift buys reactivations; otherwise the cost per incremental one is undefined.
    costPerIncrementalReactivation: incremental > 0 ? cost / incremental : null,
    spendAfterEntryDifference: spend?.difference ?? null,
    spendAfterEntryDifferenceInterval: spend?.interval ?? null,
  };
}

export type GroupBy = 'arm' | 'day' | 'node' | 'day-arm';

export interface ResultGroup {
  key: string;
  day?: string;
  arm?: string;
  holdout?: boolean;
  figures: GroupFigures;
  lift: LiftFigures | null;
}

export interface NodeRollupRow {
  day: string;
  version: number;
  nodeId: string;
  reached: number;
  left: number;
  messagesSent: number;
  costMicros: number;
  converted: number;
}

export interface NodeFigures {
  nodeId: string;
  reached: number;
  left: number;
  /** Reached and not yet left: waiting there now (or failed there). */
  atNode: number;
  messagesSent: number;
  cost: number;
  /** Conversions whose last message before them came from this node (last touch). */
  converted: number;
}

export interface ResultsOverall {
  all: GroupFigures;
  treatment: GroupFigures;
  holdout: GroupFigures | null;
  lift: LiftFigures | null;
}

export function overallFigures(rows: readonly RollupRow[]): ResultsOverall {
  const all = emptyTotals();
  const treatment = emptyTotals();
  const holdout = emptyTotals();
  for (const r of rows) {
    addTotals(all, r);
    addTotals(r.holdout ? holdout : treatment, r);
  }
  return {
    all: groupFigures(all),
    treatment: groupFigures(treatment),
    holdout: holdout.entered > 0 ? groupFigures(holdout) : null,
    lift: liftFigures(treatment, holdout),
  };
}

/** Groups by arm (with the holdout flag: journey-level holdout members of an arm are their own group) or by day. */
export function groupRows(rows: readonly RollupRow[], groupBy: 'arm' | 'day'): ResultGroup[] {
  const groups = new Map<
    string,
    {
      day?: string;
      arm?: string;
      holdout?: boolean;
      totals: RollupTotals;
      treatment: RollupTotals;
      control: RollupTotals;
    }
  >();
  const pooledHoldout = emptyTotals();
  for (const r of rows) if (r.holdout) addTotals(pooledHoldout, r);
  for (const r of rows) {
    const key = groupBy === 'day' ? r.day : `${r.arm}|${r.holdout ? 'holdout' : 'treatment'}`;
    let g = groups.get(key);
    if (!g) {
      g =
        groupBy === 'day'
          ? { day: r.day, totals: emptyTotals(), treatment: emptyTotals(), control: emptyTotals() }
          : {
              arm: r.arm,
              holdout: r.holdout,
              totals: emptyTotals(),
              treatment: emptyTotals(),
              control: emptyTotals(),
            };
      groups.set(key, g);
    }
    addTotals(g.totals, r);
    addTotals(r.holdout ? g.control : g.treatment, r);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, g]) => ({
      key,
      ...(g.day !== undefined ? { day: g.day } : {}),
      ...(g.arm !== undefined ? { arm: g.arm, holdout: g.holdout! } : {}),
      figures: groupFigures(g.totals),
      // A day compares its own treatment with its own holdout; an arm (messaged) compares with the pooled holdout.
      lift:
        groupBy === 'day'
          ? liftFigures(g.treatment, g.control)
          : g.holdout
            ? null
            : liftFigures(g.totals, pooledHoldout),
    }));
}

/**
 * Reactivation over time by arm: for every entry day and every series (each arm's treatment runs, and one pooled
 * holdout), the figures of the runs that entered from the first day asked for up to that day (cumulative to date).
 * An arm's lift is against the pooled holdout over the same days, as in `groupRows` by arm.
 */
export function dayArmGroups(rows: readonly RollupRow[]): ResultGroup[] {
  const days = [...new Set(rows.map((r) => r.day))].sort();
  const arms = [...new Set(rows.filter((r) => !r.holdout).map((r) => r.arm))].sort();
  const hasHoldout = rows.some((r) => r.holdout);
  const cumulative = new Map<string, RollupTotals>(arms.map((a) => [a, emptyTotals()]));
  const holdout = emptyTotals();
  const byDay = new Map<string, RollupRow[]>();
  for (const r of rows) {
    const list = byDay.get(r.day);
    if (list) list.push(r);
    else byDay.set(r.day, [r]);
  }
  const out: ResultGroup[] = [];
  for (const day of days) {
    for (const r of byDay.get(day) ?? []) addTotals(r.holdout ? holdout : cumulative.get(r.arm)!, r);
    for (const arm of arms) {
      const t = cumulative.get(arm)!;
      out.push({
        key: `${day}|${arm}|treatment`,
        day,
        arm,
        holdout: false,
        figures: groupFigures(t),
        lift: liftFigures(t, holdout),
      });
    }
    if (hasHoldout)
      out.push({ key: `${day}|holdout`, day, holdout: true, figures: groupFigures(holdout), lift: null });
  }
  return out;
}

export function nodeFigures(rows: readonly NodeRollupRow[]): NodeFigures[] {
  const byNode = new Map<string, NodeFigures>();
  for (const r of rows) {
    const n = byNode.get(r.nodeId) ?? {
      nodeId: r.nodeId,
      reached: 0,
      left: 0,
      atNode: 0,
      messagesSent: 0,
      cost: 0,
      converted: 0,
    };
    n.reached += r.reached;
    n.left += r.left;
    n.messagesSent += r.messagesSent;
    n.cost += r.costMicros / 1e6;
    n.converted += r.converted;
    byNode.set(r.nodeId, n);
  }
  return [...byNode.values()]
    .map((n) => ({ ...n, atNode: n.reached - n.left }))
    .sort((a, b) => a.nodeId.localeCompare(b.nodeId));
}
