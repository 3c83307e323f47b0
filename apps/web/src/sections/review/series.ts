/**
 * Chart series from the results API, pure: reactivation per entry day (treatment against that day's holdout),
 * rate per arm against the pooled holdout, reactivation to date by arm over time, and the workspace's reactivation
 * rate per month over all journeys.
 */
import type { JourneyResults } from '../../api/review';
import type { CsvColumn } from './csv';

export interface DayPoint {
  day: string;
  treatment: number | null;
  holdout: number | null;
  entered: number;
}

type Group = JourneyResults['groups'][number];

function treatmentTotals(g: Group): { entered: number; converted: number } {
  const h = g.lift?.holdout;
  return {
    entered: g.figures.entered - (h?.entered ?? 0),
    converted: g.figures.converted - (h?.converted ?? 0),
  };
}

export function dailySeries(results: JourneyResults): DayPoint[] {
  return results.groups
    .filter((g) => g.day !== undefined)
    .map((g) => {
      const t = treatmentTotals(g);
      return {
        day: g.day!,
        treatment: t.entered > 0 ? t.converted / t.entered : null,
        holdout: g.lift?.holdout.rate ?? null,
        entered: g.figures.entered,
      };
    })
    .sort((a, b) => a.day.localeCompare(b.day));
}

export interface ArmPoint {
  arm: string;
  rate: number | null;
  low: number | null;
  high: number | null;
  entered: number;
  converted: number;
  holdout: boolean;
  /** Message and coupon cost of the arm, its cost per reactivation, and per reactivation above the holdout. */
  cost: number;
  costPerReactivation: number | null;
  costPerIncremental: number | null;
}

/** Arm keys are the arm name, `''` before any split, `step=arm&…` with several splits. */
export function armLabel(key: string, holdout: boolean): string {
  const name = key === '' ? 'No split' : key.replace(/&/g, ', ').replace(/=/g, ': ');
  return holdout ? `${name} (holdout)` : name;
}

export function armSeries(results: JourneyResults): ArmPoint[] {
  return results.groups
    .filter((g) => g.arm !== undefined)
    .map((g) => ({
      arm: armLabel(g.arm!, g.holdout ?? false),
      rate: g.figures.rate,
      low: g.figures.rateInterval?.[0] ?? null,
      high: g.figures.rateInterval?.[1] ?? null,
      entered: g.figures.entered,
      converted: g.figures.converted,
      holdout: g.holdout ?? false,
      cost: g.figures.cost.total,
      costPerReactivation: g.figures.costPerReactivation,
      costPerIncremental: g.lift?.costPerIncrementalReactivation ?? null,
    }));
}

/** One point of reactivation over time by arm (`groupBy=day-arm`): figures of those who entered up to `day`. */
export interface ArmDayPoint {
  day: string;
  /** The chart's key of the series (`s0`, `s1`, …): arm keys may hold characters recharts reads as paths. */
  series: string;
  label: string;
  holdout: boolean;
  entered: number;
  converted: number;
  rate: number | null;
  low: number | null;
  high: number | null;
  /** Against the pooled holdout to the same day; null for the holdout itself. */
  lift: number | null;
  liftLow: number | null;
  liftHigh: number | null;
}

export interface ArmDaySeries {
  key: string;
  label: string;
  holdout: boolean;
}

export interface ArmDayChart {
  /** Arms in the API's order, the holdout last. */
  series: ArmDaySeries[];
  /** One row per day for the LineChart: `{ day, s0: rate, s1: rate, … }`. */
  rows: ({ day: string } & Record<string, number | null | string>)[];
  /** The table behind the chart (and its CSV), day by day. */
  points: ArmDayPoint[];
}

export function armDaySeries(results: JourneyResults): ArmDayChart {
  const keys = new Map<string, ArmDaySeries>();
  const seriesOf = (g: Group): ArmDaySeries => {
    const id = g.holdout ? '|holdout' : `${g.arm ?? ''}|treatment`;
    let s = keys.get(id);
    if (!s) {
      s = {
        key: '',
        label: g.holdout ? 'Holdout' : armLabel(g.arm ?? '', false),
        holdout: g.holdout ?? false,
      };
      keys.set(id, s);
    }
    return s;
  };
  const groups = results.groups.filter((g) => g.day !== undefined);
  for (const g of groups) seriesOf(g);
  const series = [
    ...[...keys.values()].filter((s) => !s.holdout),
    ...[...keys.values()].filter((s) => s.holdout),
  ];
  series.forEach((s, i) => (s.key = `s${i}`));
  const points = groups.map((g): ArmDayPoint => {
    const s = seriesOf(g);
    return {
      day: g.day!,
      series: s.key,
      label: s.label,
      holdout: s.holdout,
      entered: g.figures.entered,
      converted: g.figures.converted,
      rate: g.figures.rate,
      low: g.figures.rateInterval?.[0] ?? null,
      high: g.figures.rateInterval?.[1] ?? null,
      lift: g.lift?.absoluteLift ?? null,
      liftLow: g.lift?.absoluteLiftInterval?.[0] ?? null,
      liftHigh: g.lift?.absoluteLiftInterval?.[1] ?? null,
    };
  });
  const order = new Map(series.map((s, i) => [s.key, i]));
  points.sort((a, b) => a.day.localeCompare(b.day) || order.get(a.series)! - order.get(b.series)!);
  const rows = new Map<string, { day: string } & Record<string, number | null | string>>();
  for (const p of points) {
    const row = rows.get(p.day) ?? { day: p.day };
    row[p.series] = p.rate;
    rows.set(p.day, row);
  }
  return { series, rows: [...rows.values()], points };
}

/** The CSV of the chart's table, as shown. */
export const armDayColumns: CsvColumn<ArmDayPoint>[] = [
  { header: 'day', value: (p) => p.day },
  { header: 'arm', value: (p) => p.label },
  { header: 'holdout', value: (p) => p.holdout },
  { header: 'entered to date', value: (p) => p.entered },
  { header: 'reactivated to date', value: (p) => p.converted },
  { header: 'rate', value: (p) => p.rate },
  { header: 'rate low', value: (p) => p.low },
  { header: 'rate high', value: (p) => p.high },
  { header: 'lift vs holdout', value: (p) => p.lift },
  { header: 'lift low', value: (p) => p.liftLow },
  { header: 'lift high', value: (p) => p.liftHigh },
];

export interface MonthPoint {
  month: string;
  entered: number;
  converted: number;
  rate: number | null;
}

/** Treatment runs of every journey, by the month they entered: the workspace's reactivation rate over time. */
export function monthlySeries(all: readonly JourneyResults[]): MonthPoint[] {
  const months = new Map<string, { entered: number; converted: number }>();
  for (const results of all) {
    for (const g of results.groups) {
      if (!g.day) continue;
      const month = g.day.slice(0, 7);
      const m = months.get(month) ?? { entered: 0, converted: 0 };
      const t = treatmentTotals(g);
      m.entered += t.entered;
      m.converted += t.converted;
      months.set(month, m);
    }
  }
  return [...months.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([month, m]) => ({ month, ...m, rate: m.entered > 0 ? m.converted / m.entered : null }));
}

/** The industry band the articles quote (DOMAIN S-ME-1): 15–20%; best-in-class 35%+. */
export const INDUSTRY_BAND: readonly [number, number] = [0.15, 0.2];
export const BEST_IN_CLASS = 0.35;
