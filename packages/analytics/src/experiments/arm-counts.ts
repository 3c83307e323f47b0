/**
 * Per-arm counts of one split step from rollup rows. The rollups key runs by an arm key (`A` for a journey with one
 * split, `s1=A&s2=B` with several); an arm's figures are its messaged runs plus, for a holdout arm, its runs (which
 * are never messaged). Journey-level holdout members who passed a messaging arm are left out: they got no message.
 */
import { wilsonInterval, type Interval } from '../stats/intervals';
import { chanceToBeat } from '../stats/beta';
import type { RollupRow } from '../results/figures';

export interface SplitArm {
  name: string;
  percent: number;
  holdout: boolean;
}

/** The arm a run took at `stepId`, from its arm key; `onlySplit` says whether the plan has exactly one split. */
export function armAt(armKey: string, stepId: string, onlySplit: boolean): string | null {
  if (armKey === '') return null;
  if (!armKey.includes('=')) return onlySplit ? armKey : null;
  for (const pair of armKey.split('&')) {
    const i = pair.indexOf('=');
    if (pair.slice(0, i) === stepId) return pair.slice(i + 1);
  }
  return null;
}

export interface ArmResult {
  arm: string;
  holdout: boolean;
  control: boolean;
  entered: number;
  converted: number;
  rate: number | null;
  rateInterval: Interval | null;
  /** P(this arm's rate > the control's) under Beta(1 + conversions, 1 + non-conversions) posteriors; null for the control. */
  chanceToBeatControl: number | null;
  cost: number;
}

export function armResults(
  rows: readonly RollupRow[],
  stepId: string,
  arms: readonly SplitArm[],
  onlySplit: boolean,
  controlArm: string,
): ArmResult[] {
  const totals = new Map(arms.map((a) => [a.name, { entered: 0, converted: 0, cost: 0 }]));
  const isHoldoutArm = new Map(arms.map((a) => [a.name, a.holdout]));
  for (const row of rows) {
    const arm = armAt(row.arm, stepId, onlySplit);
    if (arm === null) continue;
    const t = totals.get(arm);
    if (!t) continue;
    if (row.holdout && !isHoldoutArm.get(arm)) continue;
    t.entered += row.entered;
    t.converted += row.converted;
    t.cost += row.costMicros / 1e6 + row.couponCents / 100;
  }
  const control = totals.get(controlArm) ?? { entered: 0, converted: 0, cost: 0 };
  return arms.map((a) => {
    const t = totals.get(a.name)!;
    const isControl = a.name === controlArm;
    return {
      arm: a.name,
      holdout: a.holdout,
      control: isControl,
      entered: t.entered,
      converted: t.converted,
      rate: t.entered > 0 ? t.converted / t.entered : null,
      rateInterval: wilsonInterval(t.converted, t.entered),
      chanceToBeatControl: isControl
        ? null
        : chanceToBeat(
            { conversions: t.converted, entered: t.entered },
            { conversions: control.converted, entered: control.entered },
          ),
      cost: t.cost,
    };
  });
}
