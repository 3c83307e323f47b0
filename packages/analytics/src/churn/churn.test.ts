/**
 * The customer-base models: fits recover the parameters of data simulated with them (seeded), and the fit of the
 * CDNOW data reproduces the published values.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../stats/random';
import {
  bgnbdIndividualLogLikelihood,
  bgnbdLogLikelihood,
  expectedPurchases,
  fitBgNbd,
  probabilityAlive,
  weighSummaries,
} from './bgnbd';
import { expectedOrderValue, fitGammaGamma } from './gamma-gamma';
import { simulateBgNbdCustomer, simulateSpend } from './simulate';
import { dayNumber, readCdnowMaster, summariseHistories, type Purchase } from './transactions';
import { hyp2f1 } from './special';
import { readFile } from 'node:fs/promises';

const dataDir = fileURLToPath(new URL('../../../../data/cdnow/', import.meta.url));
const calibrationEnd = dayNumber('1997-09-30T00:00:00Z');

function toWeeks(h: { x: number; tx: number; T: number }) {
  return { x: h.x, tx: h.tx / 7, T: h.T / 7 };
}

describe('special functions', () => {
  it('₂F₁ matches closed forms', () => {
    // ₂F₁(1, 1; 2; z) = −ln(1 − z)/z
    expect(hyp2f1(1, 1, 2, 0.5)).toBeCloseTo(-Math.log(0.5) / 0.5, 12);
    // ₂F₁(a, b; b; z) = (1 − z)^(−a)
    expect(hyp2f1(2.5, 3, 3, 0.3)).toBeCloseTo(Math.pow(0.7, -2.5), 12);
  });
});

describe('BG/NBD', () => {
  it('the likelihood of x = 0 is the closed form (α/(α+T))^r', () => {
    const p = { r: 0.5, alpha: 3, a: 0.8, b: 2 };
    expect(bgnbdIndividualLogLikelihood(p, { x: 0, tx: 0, T: 10 })).toBeCloseTo(0.5 * Math.log(3 / 13), 12);
  });

  it('recovers the parameters of simulated data (seeded)', () => {
    const truth = { r: 0.5, alpha: 5, a: 0.8, b: 2.5 };
    const rnd = seededRandom(42);
    const data = Array.from({ length: 8000 }, () => simulateBgNbdCustomer(rnd, truth, 20 + rnd.next() * 30));
    const fit = fitBgNbd(weighSummaries(data));
    expect(fit.converged).toBe(true);
    expect(fit.params.r).toBeGreaterThan(truth.r * 0.85);
    expect(fit.params.r).toBeLessThan(truth.r * 1.15);
    expect(fit.params.alpha).toBeGreaterThan(truth.alpha * 0.8);
    expect(fit.params.alpha).toBeLessThan(truth.alpha * 1.2);
    expect(fit.params.a).toBeGreaterThan(truth.a * 0.7);
    expect(fit.params.a).toBeLessThan(truth.a * 1.3);
    expect(fit.params.b).toBeGreaterThan(truth.b * 0.7);
    expect(fit.params.b).toBeLessThan(truth.b * 1.3);
    // The maximum is at least as likely as the truth.
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(bgnbdLogLikelihood(truth, weighSummaries(data)));
    // Fitting 8,000 simulated customers takes ~1 s alone and past the default 5 s beside the other unit files.
  }, 30_000);

  it('fits the CDNOW sample to the published values (r 0.243, α 4.414, a 0.793, b 2.426, LL −9582.4)', async () => {
    const text = await readFile(`${dataDir}CDNOW_sample.txt`, 'utf8');
    const purchases: Purchase[] = text
      .split(/\r?\n/)
      .filter((l) => l.trim())
      .map((l) => {
        const c = l.trim().split(/\s+/);
        const d = c[2]!;
        return {
          customer: c[1]!,
          day: dayNumber(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T00:00:00Z`),
          amount: Number(c[4]),
        };
      });
    const histories = summariseHistories(purchases, calibrationEnd);
    expect(histories).toHaveLength(2357);
    const fit = fitBgNbd(weighSummaries(histories.map(toWeeks)));
    expect(fit.params.r).toBeCloseTo(0.243, 3);
    expect(fit.params.alpha).toBeCloseTo(4.414, 2);
    expect(fit.params.a).toBeCloseTo(0.793, 3);
    expect(fit.params.b).toBeCloseTo(2.426, 2);
    expect(fit.logLikelihood).toBeCloseTo(-9582.4, 0);
    // Published conditional expectation (FHL 2005, p. 280): x = 2, t_x = 30.43, T = 38.86 → 1.226 purchases in 39 weeks.
    expect(expectedPurchases(fit.params, { x: 2, tx: 30.43, T: 38.86 }, 39)).toBeCloseTo(1.226, 2);
    // Gamma-Gamma on the same sample: published p 6.25, q 3.74, γ 15.44.
    const gg = fitGammaGamma(
      histories.filter((h) => h.x > 0).map((h) => ({ x: h.x, mean: h.meanRepeatAmount })),
    );
    expect(gg.params.p).toBeCloseTo(6.25, 1);
    expect(gg.params.q).toBeCloseTo(3.74, 1);
    expect(gg.params.gamma).toBeCloseTo(15.44, 0);
  });

  it('fits the CDNOW master (23,570 customers) close to the published sample values', async () => {
    const histories = summariseHistories(await readCdnowMaster(`${dataDir}CDNOW_master.txt`), calibrationEnd);
    expect(histories).toHaveLength(23_570);
    const fit = fitBgNbd(weighSummaries(histories.map(toWeeks)));
    // The master is ten times the sample: same population, so the same parameters within sampling error (~10%).
    const published = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    for (const k of ['r', 'alpha', 'a', 'b'] as const) {
      expect(Math.abs(fit.params[k] / published[k] - 1)).toBeLessThan(0.15);
    }
    expect(fit.logLikelihood).toBeCloseTo(-95368.4, 0);
    const alive = probabilityAlive(fit.params, { x: 0, tx: 0, T: 30 });
    expect(alive).toBe(1);
  }, 120_000);
});

describe('Gamma-Gamma', () => {
  it('recovers the parameters of simulated spend (seeded)', () => {
    const truth = { p: 6, q: 4, gamma: 15 };
    const rnd = seededRandom(11);
    const data = Array.from({ length: 6000 }, () =>
      simulateSpend(rnd, truth, 1 + Math.floor(rnd.next() * 6)),
    );
    const fit = fitGammaGamma(data);
    expect(fit.params.p).toBeGreaterThan(truth.p * 0.85);
    expect(fit.params.p).toBeLessThan(truth.p * 1.15);
    expect(fit.params.q).toBeGreaterThan(truth.q * 0.8);
    expect(fit.params.q).toBeLessThan(truth.q * 1.2);
    expect(fit.params.gamma).toBeGreaterThan(truth.gamma * 0.75);
    expect(fit.params.gamma).toBeLessThan(truth.gamma * 1.25);
    // With no repeat purchase the expectation is the population mean pγ/(q − 1).
    expect(expectedOrderValue(truth, { x: 0, mean: 0 })).toBeCloseTo((6 * 15) / 3, 10);
  });
});
