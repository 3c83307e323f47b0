/**
 * Chart series from the results API, pure: reactivation per entry day (treatment against that day's holdout),
 * rate per arm against the pooled holdout, and the workspace's reactivation rate per month over all journeys.
 */
import type { JourneyResults } from '../../api/review';

export interface DayPoint {
  day: string;
  treatment: number | null;
  holdout: number | null;
  entered: number;
}

type Group = JourneyResults['groups'][number];

function treatmentTotals(g: Group): { entered: number; converted: number } {
  const h = g.lift?.holdout;
  return { entered: g.figures.entered - (h?.entered ?? 0), converted: g.figures.converted - (h?.converted ?? 0) };
}

export function dailySeries(results: JourneyResults): DayPoint[] {
  return results.groups
    .filter((g) => g.day !== undefined)
    .map((g) => {
      const t = treatmentTotals(g);
      return { day: g.day!, treatment: t.entered > 0 ? t.converted / t.entered : null, holdout: g.lift?.holdout.rate ?? null, entered: g.figures.entered };
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
    }));
}

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
