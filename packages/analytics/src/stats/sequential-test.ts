/**
 * The automatic-winner rule: a mixture sequential probability ratio test (mSPRT; Johari, Pekelis & Walsh, "Always
 * valid inference", 2017) of each arm against the control, valid however often it is looked at. Each comparison uses
 * the normal approximation of the difference in conversion rates with a N(0, τ²) mixing distribution; with k arms
 * besides the control each comparison runs at α/k (Bonferroni), so by Ville's inequality the chance of ever declaring
 * a winner when all arms are equal stays at most α. Pure, so the A/A simulation test runs it thousands of times.
 */

export interface ArmCounts {
  arm: string;
  entered: number;
  conversions: number;
}

export interface SequentialTestSettings {
  /** Chance of ever naming a winner when no arm differs from the control (type-I error under monitoring). */
  alpha: number;
  /** Standard deviation of the mixing distribution of the rate difference: the effect size the test is tuned to. */
  tau: number;
  /** No decision before every arm has this many entrants. */
  minPerArm: number;
  /** After this many days without a decision the experiment ends inconclusive (the split keeps its shares). */
  maxDays: number;
}

export interface ArmComparison {
  arm: string;
  /** Rate of the arm minus rate of the control. */
  difference: number;
  /** Mixture likelihood ratio Λ; significant once Λ ≥ k/α. */
  likelihoodRatio: number;
  /** Always-valid p-value of this look, min(1, 1/Λ) (before the Bonferroni factor). */
  pValue: number;
  significant: boolean;
}

export type SequentialDecision =
  | { status: 'running'; reason: 'min_sample' | 'no_evidence_yet'; comparisons: ArmComparison[] }
  | { status: 'winner'; winner: string; comparisons: ArmComparison[] }
  | { status: 'inconclusive'; reason: 'max_duration'; comparisons: ArmComparison[] };

/** Λ for "arm differs from control", from cumulative counts. */
export function mixtureLikelihoodRatio(arm: ArmCounts, control: ArmCounts, tau: number): number {
  if (arm.entered === 0 || control.entered === 0) return 1;
  const pArm = arm.conversions / arm.entered;
  const pControl = control.conversions / control.entered;
  const pooled = (arm.conversions + control.conversions) / (arm.entered + control.entered);
  // Variance of the difference under the null (both arms at the pooled rate).
  const v = pooled * (1 - pooled) * (1 / arm.entered + 1 / control.entered);
  if (v <= 0) return 1;
  const t2 = tau * tau;
  const d = pArm - pControl;
  return Math.sqrt(v / (v + t2)) * Math.exp((d * d * t2) / (2 * v * (v + t2)));
}

export function compareArms(
  control: ArmCounts,
  arms: readonly ArmCounts[],
  settings: Pick<SequentialTestSettings, 'alpha' | 'tau'>,
): ArmComparison[] {
  const threshold = Math.max(1, arms.length) / settings.alpha;
  return arms.map((arm) => {
    const lr = mixtureLikelihoodRatio(arm, control, settings.tau);
    const difference =
      arm.entered && control.entered
        ? arm.conversions / arm.entered - control.conversions / control.entered
        : 0;
    return {
      arm: arm.arm,
      difference,
      likelihoodRatio: lr,
      pValue: Math.min(1, 1 / lr),
      significant: lr >= threshold,
    };
  });
}

/**
 * One look at an experiment. Winner: the best arm among those significantly better than the control; or the control,
 * when it is significantly better than every other arm.
 */
export function decideExperiment(
  control: ArmCounts,
  arms: readonly ArmCounts[],
  settings: SequentialTestSettings,
  elapsedDays: number,
): SequentialDecision {
  const comparisons = compareArms(control, arms, settings);
  const enough = [control, ...arms].every((a) => a.entered >= settings.minPerArm);
  if (enough) {
    const better = comparisons
      .filter((c) => c.significant && c.difference > 0)
      .sort((x, y) => y.difference - x.difference);
    if (better[0]) return { status: 'winner', winner: better[0].arm, comparisons };
    if (comparisons.length > 0 && comparisons.every((c) => c.significant && c.difference < 0)) {
      return { status: 'winner', winner: control.arm, comparisons };
    }
  }
  if (elapsedDays >= settings.maxDays) return { status: 'inconclusive', reason: 'max_duration', comparisons };
  return { status: 'running', reason: enough ? 'no_evidence_yet' : 'min_sample', comparisons };
}
