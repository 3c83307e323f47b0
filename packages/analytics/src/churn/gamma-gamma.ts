/**
 * Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; Colombo & Jiang 1999): a customer's purchase
 * amounts are Gamma(p, ν) with ν ~ Gamma(q, γ) across customers, independent of how often they buy. Fitted by
 * maximum likelihood on repeat buyers' (x, mean amount); gives each customer's expected amount per purchase.
 */
import { logGamma } from './special';
import { nelderMead } from './nelder-mead';

export interface SpendSummary {
  /** Repeat purchases the mean is over (> 0). */
  x: number;
  /** Mean amount of those purchases (> 0). */
  mean: number;
}

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export function gammaGammaIndividualLogLikelihood(params: GammaGammaParams, s: SpendSummary): number {
  const { p, q, gamma } = params;
  const px = p * s.x;
  return (
    logGamma(px + q) -
    logGamma(px) -
    logGamma(q) +
    q * Math.log(gamma) +
    (px - 1) * Math.log(s.mean) +
    px * Math.log(s.x) -
    (px + q) * Math.log(gamma + s.mean * s.x)
  );
}

export function gammaGammaLogLikelihood(params: GammaGammaParams, data: readonly SpendSummary[]): number {
  let total = 0;
  for (const s of data) total += gammaGammaIndividualLogLikelihood(params, s);
  return total;
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  logLikelihood: number;
  customers: number;
}

export function fitGammaGamma(data: readonly SpendSummary[]): GammaGammaFit {
  const usable = data.filter((s) => s.x > 0 && s.mean > 0);
  if (usable.length === 0)
    throw new Error('Gamma-Gamma needs customers with repeat purchases of positive amount');
  const toParams = (v: number[]): GammaGammaParams => ({
    p: Math.exp(v[0]!),
    q: Math.exp(v[1]!),
    gamma: Math.exp(v[2]!),
  });
  const objective = (v: number[]) => -gammaGammaLogLikelihood(toParams(v), usable) / usable.length;
  const first = nelderMead(objective, [0, 0, 0], { step: 0.5 });
  const result = nelderMead(objective, first.x, { step: 0.1 });
  const params = toParams(result.x);
  return { params, logLikelihood: gammaGammaLogLikelihood(params, usable), customers: usable.length };
}

/**
 * E[amount per purchase | x, mean] = (γ + m̄x)·p / (px + q − 1); with no repeat purchases, the population mean
 * pγ/(q − 1). Needs q > 1 (a finite mean); otherwise null.
 */
export function expectedOrderValue(params: GammaGammaParams, s: { x: number; mean: number }): number | null {
  const { p, q, gamma } = params;
  if (q <= 1) return null;
  if (s.x <= 0 || !(s.mean > 0)) return (p * gamma) / (q - 1);
  return ((gamma + s.mean * s.x) * p) / (p * s.x + q - 1);
}
