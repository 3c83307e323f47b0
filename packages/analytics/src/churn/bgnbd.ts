/**
 * BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): while alive a customer buys at a
 * Poisson rate λ ~ Gamma(r, α); after each purchase they drop out with probability p ~ Beta(a, b). Fitted by
 * maximum likelihood on (x, t_x, T) per customer — repeat purchases, time of the last one and age, all measured from
 * the first purchase in the same time unit. Customers with identical summaries are weighted, not repeated.
 */
import { logGamma, hyp2f1 } from './special';
import { nelderMead } from './nelder-mead';

export interface CustomerSummary {
  /** Repeat purchases (purchases after the first, at most one per time step of the data). */
  x: number;
  /** Time of the last purchase, from the first. */
  tx: number;
  /** Time from the first purchase to the end of the calibration period. */
  T: number;
}

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface WeightedSummary extends CustomerSummary {
  weight: number;
}

/** Groups identical summaries: CDNOW's 23,570 customers have far fewer distinct (x, t_x, T). */
export function weighSummaries(rows: readonly CustomerSummary[]): WeightedSummary[] {
  const map = new Map<string, WeightedSummary>();
  for (const s of rows) {
    const key = `${s.x}|${s.tx}|${s.T}`;
    const found = map.get(key);
    if (found) found.weight++;
    else map.set(key, { ...s, weight: 1 });
  }
  return [...map.values()];
}

/** Log-likelihood of one customer (FHL 2005, eq. 6), in log space throughout. */
export function bgnbdIndividualLogLikelihood(p: BgNbdParams, s: CustomerSummary): number {
  const { r, alpha, a, b } = p;
  const { x, tx, T } = s;
  const a1 = logGamma(r + x) - logGamma(r) + r * Math.log(alpha);
  const a2 = logGamma(a + b) + logGamma(b + x) - logGamma(b) - logGamma(a + b + x);
  const a3 = -(r + x) * Math.log(alpha + T);
  if (x === 0) return a1 + a2 + a3;
  const a4 = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx);
  // log(e^a3 + e^a4) without overflow.
  const m = Math.max(a3, a4);
  return a1 + a2 + m + Math.log(Math.exp(a3 - m) + Math.exp(a4 - m));
}

export function bgnbdLogLikelihood(p: BgNbdParams, data: readonly WeightedSummary[]): number {
  const { r, alpha, a, b } = p;
  // The log-gamma terms depend on x only, which takes few distinct values: compute them once per x.
  const byX = new Map<number, number>();
  const gammaTerms = (x: number) => {
    let v = byX.get(x);
    if (v === undefined) {
      v =
        logGamma(r + x) - logGamma(r) + logGamma(a + b) + logGamma(b + x) - logGamma(b) - logGamma(a + b + x);
      byX.set(x, v);
    }
    return v;
  };
  const logAlpha = Math.log(alpha);
  const logA = Math.log(a);
  let total = 0;
  for (const s of data) {
    const a3 = -(r + s.x) * Math.log(alpha + s.T);
    let rest = a3;
    if (s.x > 0) {
      const a4 = logA - Math.log(b + s.x - 1) - (r + s.x) * Math.log(alpha + s.tx);
      const m = Math.max(a3, a4);
      rest = m + Math.log(Math.exp(a3 - m) + Math.exp(a4 - m));
    }
    total += s.weight * (gammaTerms(s.x) + r * logAlpha + rest);
  }
  return total;
}

export interface BgNbdFit {
  params: BgNbdParams;
  logLikelihood: number;
  customers: number;
  iterations: number;
  converged: boolean;
}

/** Maximum likelihood over log-parameters (keeps all four positive), from r = α = a = b = 1. */
export function fitBgNbd(
  data: readonly WeightedSummary[],
  start: BgNbdParams = { r: 1, alpha: 1, a: 1, b: 1 },
): BgNbdFit {
  const toParams = (v: number[]): BgNbdParams => ({
    r: Math.exp(v[0]!),
    alpha: Math.exp(v[1]!),
    a: Math.exp(v[2]!),
    b: Math.exp(v[3]!),
  });
  const customers = data.reduce((n, s) => n + s.weight, 0);
  // Minimise the mean negative log-likelihood: the scale does not grow with the customer count.
  const objective = (v: number[]) => -bgnbdLogLikelihood(toParams(v), data) / customers;
  const first = nelderMead(
    objective,
    [Math.log(start.r), Math.log(start.alpha), Math.log(start.a), Math.log(start.b)],
    { step: 0.5 },
  );
  // A restart from the optimum resets a simplex that may have collapsed along a valley.
  const result = nelderMead(objective, first.x, { step: 0.1 });
  const params = toParams(result.x);
  return {
    params,
    logLikelihood: bgnbdLogLikelihood(params, data),
    customers,
    iterations: first.iterations + result.iterations,
    converged: result.converged,
  };
}

/** P(alive | x, t_x, T) (FHL 2005, eq. 11). */
export function probabilityAlive(p: BgNbdParams, s: CustomerSummary): number {
  if (s.x === 0) return 1;
  const { r, alpha, a, b } = p;
  const logRatio =
    Math.log(a) - Math.log(b + s.x - 1) + (r + s.x) * (Math.log(alpha + s.T) - Math.log(alpha + s.tx));
  return 1 / (1 + Math.exp(logRatio));
}

/** Expected purchases in the next `t` time units given the history (FHL 2005, eq. 10). */
export function expectedPurchases(p: BgNbdParams, s: CustomerSummary, t: number): number {
  const { r, alpha, a, b } = p;
  const { x, tx, T } = s;
  if (t <= 0) return 0;
  const z = t / (alpha + T + t);
  const head = (a + b + x - 1) / (a - 1);
  const tail = 1 - Math.pow((alpha + T) / (alpha + T + t), r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z);
  const denom = x > 0 ? 1 + (a / (b + x - 1)) * Math.pow((alpha + T) / (alpha + tx), r + x) : 1;
  return (head * tail) / denom;
}
