/**
 * Confidence intervals for the figures on the results page (formulas in docs/measurement.md): Wilson for a rate,
 * Newcombe's hybrid score interval for a difference of rates, the log (Katz) interval for a ratio of rates, and a
 * Welch interval for a difference of means. Pure functions of counts, so they are tested against hand-computed values.
 */

/** Two-sided 95%: the normal quantile 0.975. */
export const Z95 = 1.959963984540054;

export type Interval = [number, number];

/** Wilson score interval for x successes in n trials; null when n = 0. */
export function wilsonInterval(x: number, n: number, z = Z95): Interval | null {
  if (n <= 0) return null;
  const p = x / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * Newcombe (1998, method 10) interval for p1 − p2 from the two Wilson intervals: it stays inside [−1, 1] and
 * behaves at rates near 0, where the Wald interval does not.
 */
export function newcombeDifference(x1: number, n1: number, x2: number, n2: number, z = Z95): Interval | null {
  const w1 = wilsonInterval(x1, n1, z);
  const w2 = wilsonInterval(x2, n2, z);
  if (!w1 || !w2) return null;
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const d = p1 - p2;
  const lower = d - Math.sqrt((p1 - w1[0]) ** 2 + (w2[1] - p2) ** 2);
  const upper = d + Math.sqrt((w1[1] - p1) ** 2 + (p2 - w2[0]) ** 2);
  return [lower, upper];
}

/**
 * Interval for the relative lift p1/p2 − 1 by the delta method on log(p1/p2) (Katz): SE = √(1/x1 − 1/n1 + 1/x2 − 1/n2).
 * Null when either group has no successes (the log ratio is undefined).
 */
export function relativeLiftInterval(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
  z = Z95,
): { lift: number; interval: Interval } | null {
  if (x1 <= 0 || x2 <= 0 || n1 <= 0 || n2 <= 0) return null;
  const logRatio = Math.log(x1 / n1 / (x2 / n2));
  const se = Math.sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2);
  return {
    lift: Math.exp(logRatio) - 1,
    interval: [Math.exp(logRatio - z * se) - 1, Math.exp(logRatio + z * se) - 1],
  };
}

/** Mean, sample variance from a count, a sum and a sum of squares. */
export function meanAndVariance(
  n: number,
  sum: number,
  sumSq: number,
): { mean: number; variance: number } | null {
  if (n <= 0) return null;
  const mean = sum / n;
  const variance = n > 1 ? Math.max(0, (sumSq - n * mean * mean) / (n - 1)) : 0;
  return { mean, variance };
}

/** Difference of two means with a normal-approximation (Welch) interval; adequate for the large groups of a campaign. */
export function meanDifference(
  a: { n: number; sum: number; sumSq: number },
  b: { n: number; sum: number; sumSq: number },
  z = Z95,
): { difference: number; interval: Interval } | null {
  const ma = meanAndVariance(a.n, a.sum, a.sumSq);
  const mb = meanAndVariance(b.n, b.sum, b.sumSq);
  if (!ma || !mb) return null;
  const difference = ma.mean - mb.mean;
  const se = Math.sqrt(ma.variance / a.n + mb.variance / b.n);
  return { difference, interval: [difference - z * se, difference + z * se] };
}
