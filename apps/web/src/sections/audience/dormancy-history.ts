/** Shapes the daily dormancy snapshots for a stacked area chart and its CSV export. */
import type { DormancyHistory } from '../../api/audience';
import type { CsvColumn } from '../review/csv';

/** One row per snapshot day: a column per stage (summed over the tiers shown) and the day's total. */
export interface HistoryRow {
  day: string;
  total: number;
  [stage: string]: number | string;
}

/**
 * Rows for the chart, oldest first. Only days with a snapshot appear (a missing day is unknown, not zero); a stage
 * missing from a day's cells counts 0. `tier` '' sums every tier.
 */
export function dormancyHistoryRows(history: DormancyHistory, tier = ''): HistoryRow[] {
  const byDay = new Map<string, HistoryRow>();
  for (const day of [...history.days].sort()) {
    const row: HistoryRow = { day, total: 0 };
    for (const stage of history.stages) row[stage] = 0;
    byDay.set(day, row);
  }
  for (const cell of history.cells) {
    if (tier && cell.tier !== tier) continue;
    const row = byDay.get(cell.day);
    if (!row) continue;
    row[cell.stage] = Number(row[cell.stage] ?? 0) + cell.customers;
    row.total += cell.customers;
  }
  return [...byDay.values()];
}

/** The UTC days (inclusive) of "the last N days up to today". */
export function lastDays(days: number, today: Date = new Date()): { from: string; to: string } {
  const to = today.toISOString().slice(0, 10);
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - (days - 1) * 86_400_000).toISOString().slice(0, 10);
  return { from, to };
}

/** CSV columns as the chart's rows: day, one column per stage (the API's stage keys, like the other exports), total. */
export function historyCsvColumns(stages: readonly string[]): CsvColumn<HistoryRow>[] {
  return [
    { header: 'day', value: (r) => r.day },
    ...stages.map((stage) => ({ header: stage, value: (r: HistoryRow) => r[stage] })),
    { header: 'total', value: (r) => r.total },
  ];
}

/**
 * The days the chart's x-axis labels, evenly spread, first and last included: at most `max`, so labels never
 * overlap whatever the range (recharts' own spacing guesses label widths and let a year's dates run together).
 */
export function axisDays(days: readonly string[], max = 6): string[] {
  if (days.length <= max) return [...days];
  const step = (days.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => days[Math.round(i * step)]!);
}

/** A day on the axis: "May 1" within a year, "May 2026" when the range spans more than one. */
export function axisDayLabel(day: string, spansYears: boolean): string {
  const date = new Date(`${day}T00:00:00Z`);
  return date.toLocaleDateString('en-US', {
    timeZone: 'UTC',
    month: 'short',
    ...(spansYears ? { year: 'numeric' } : { day: 'numeric' }),
  });
}
