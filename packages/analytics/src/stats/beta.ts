/**
 * Chance to beat control: P(p_arm > p_control) when each rate has the Beta(1 + conversions, 1 + non-conversions)
 * posterior of a uniform prior. Computed exactly with the closed-form sum (Evan Miller, "Formulas for Bayesian A/B
 * testing"), in log space with log-gamma, over the smaller of the two shape parameters.
 */
import gammaln from '@stdlib/math-base-special-gammaln';

function logBeta(a: number, b: number): number {
  return gammaln(a) + gammaln(b) - gammaln(a + b);
}

/** P(X > Y) for X ~ Beta(a1, b1), Y ~ Beta(a2, b2), a1 a positive integer. */
function probGreaterIntegerA(a1: number, b1: number, a2: number, b2: number): number {
  let total = 0;
  const base = logBeta(a2, b2);
  for (let i = 0; i < a1; i++) {
    total += Math.exp(logBeta(a2 + i, b1 + b2) - Math.log(b1 + i) - logBeta(1 + i, b1) - base);
  }
  return Math.min(1, Math.max(0, total));
}

/** Exact chance that the arm's true rate beats the control's, from their counts. */
export function chanceToBeat(
  arm: { conversions: number; entered: number },
  control: { conversions: number; entered: number },
): number {
  const a1 = 1 + arm.conversions;
  const b1 = 1 + arm.entered - arm.conversions;
  const a2 = 1 + control.conversions;
  const b2 = 1 + control.entered - control.conversions;
  // The sum has `a1` terms; P(X > Y) = 1 − P(Y > X) lets it run over the smaller shape.
  return a1 <= a2 ? probGreaterIntegerA(a1, b1, a2, b2) : 1 - probGreaterIntegerA(a2, b2, a1, b1);
}
