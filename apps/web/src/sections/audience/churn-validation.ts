/**
 * The churn model's calibration/holdout check as the chart draws it: one bar pair per number of repeat purchases in
 * the calibration period (0, 1, … "6+"), the mean repeat purchases per customer in the holdout period, actual and
 * predicted; and the totals in words.
 */
import type { ChurnValidation } from '@wakeflow/contracts';

export interface ValidationRow {
  label: string;
  customers: number;
  actual: number;
  predicted: number;
}

export function validationRows(validation: Pick<ChurnValidation, 'groups'>): ValidationRow[] {
  return validation.groups
    .filter((g) => g.customers > 0)
    .map((g) => ({
      label: `${g.repeatPurchases}${g.orMore ? '+' : ''}`,
      customers: g.customers,
      actual: round(g.actual),
      predicted: round(g.predicted),
    }));
}

/** "Predicted 1,653 repeat purchases in the 273-day holdout, actual 1,882 (12% fewer than happened)." */
export function validationSummary(
  v: Pick<ChurnValidation, 'totalActual' | 'totalPredicted' | 'holdoutDays'>,
): string {
  const predicted = Math.round(v.totalPredicted);
  const gap = v.totalActual === 0 ? 0 : (v.totalPredicted - v.totalActual) / v.totalActual;
  const words =
    Math.abs(gap) < 0.005
      ? 'as many as happened'
      : `${Math.round(Math.abs(gap) * 100)}% ${gap < 0 ? 'fewer' : 'more'} than happened`;
  return `Predicted ${predicted.toLocaleString('en-US')} repeat purchases in the ${v.holdoutDays}-day holdout, actual ${v.totalActual.toLocaleString('en-US')} (${words}).`;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
