/**
 * Draws customer histories from the BG/NBD and Gamma-Gamma generative stories with a seed, so tests can check that
 * a fit recovers the parameters the data was made with.
 */
import type { Random } from '../stats/random';
import type { BgNbdParams, CustomerSummary } from './bgnbd';
import type { GammaGammaParams, SpendSummary } from './gamma-gamma';

/** One customer observed for `T` time units from their first purchase. */
export function simulateBgNbdCustomer(rnd: Random, p: BgNbdParams, T: number): CustomerSummary {
  const lambda = rnd.gamma(p.r, 1 / p.alpha);
  const dropout = rnd.beta(p.a, p.b);
  let t = 0;
  let x = 0;
  let tx = 0;
  for (;;) {
    t += rnd.exponential(lambda);
    if (t > T) break;
    x++;
    tx = t;
    // After each purchase the customer becomes inactive with probability p.
    if (rnd.next() < dropout) break;
  }
  return { x, tx, T };
}

export function simulateSpend(rnd: Random, params: GammaGammaParams, x: number): SpendSummary {
  const nu = rnd.gamma(params.q, 1 / params.gamma);
  let total = 0;
  for (let i = 0; i < x; i++) total += rnd.gamma(params.p, 1 / nu);
  return { x, mean: total / x };
}
