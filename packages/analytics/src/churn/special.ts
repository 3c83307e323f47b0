/** Special functions the customer-base models need: log-gamma (from stdlib) and the Gaussian hypergeometric ₂F₁. */
import gammaln from '@stdlib/math-base-special-gammaln';

export const logGamma: (x: number) => number = gammaln;

/**
 * ₂F₁(a, b; c; z) by its power series, for 0 ≤ z < 1 (where the BG/NBD forecast needs it: z = t / (α + T + t)).
 * Terms are summed until they stop changing the total at double precision.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (z < 0 || z >= 1) throw new RangeError(`hyp2f1 needs 0 ≤ z < 1, got ${z}`);
  let term = 1;
  let sum = 1;
  for (let k = 0; k < 100_000; k++) {
    term *= ((a + k) * (b + k) * z) / ((c + k) * (k + 1));
    sum += term;
    if (Math.abs(term) <= 1e-15 * Math.abs(sum)) return sum;
  }
  return sum;
}
