/**
 * The automatic winner must stay valid under continuous monitoring: 1,000 seeded A/A experiments, each looked at
 * after every 50 entrants per arm up to 10,000 per arm, name a winner in at most α of them.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from './random';
import {
  decideExperiment,
  mixtureLikelihoodRatio,
  type ArmCounts,
  type SequentialTestSettings,
} from './sequential-test';

const settings: SequentialTestSettings = {
  alpha: 0.05,
  tau: 0.05,
  minPerArm: 100,
  maxDays: Number.POSITIVE_INFINITY,
};

function simulate(seed: number, rates: number[], perLook: number, maxPerArm: number): string | null {
  const rnd = seededRandom(seed);
  const arms: ArmCounts[] = rates.map((_, i) => ({
    arm: i === 0 ? 'control' : `arm${i}`,
    entered: 0,
    conversions: 0,
  }));
  while (arms[0]!.entered < maxPerArm) {
    arms.forEach((a, i) => {
      for (let j = 0; j < perLook; j++) if (rnd.next() < rates[i]!) a.conversions++;
      a.entered += perLook;
    });
    const decision = decideExperiment(arms[0]!, arms.slice(1), settings, 0);
    if (decision.status === 'winner') return decision.winner;
  }
  return null;
}

describe('mSPRT automatic winner', () => {
  it('Λ is 1 without evidence and grows with a real difference', () => {
    expect(
      mixtureLikelihoodRatio(
        { arm: 'b', entered: 0, conversions: 0 },
        { arm: 'a', entered: 10, conversions: 1 },
        0.05,
      ),
    ).toBe(1);
    const small = mixtureLikelihoodRatio(
      { arm: 'b', entered: 1000, conversions: 150 },
      { arm: 'a', entered: 1000, conversions: 100 },
      0.05,
    );
    const large = mixtureLikelihoodRatio(
      { arm: 'b', entered: 4000, conversions: 600 },
      { arm: 'a', entered: 4000, conversions: 400 },
      0.05,
    );
    expect(large).toBeGreaterThan(small);
  });

  it('1,000 A/A experiments (two arms) name a false winner in at most α of them', () => {
    let falseWinners = 0;
    for (let e = 0; e < 1000; e++) if (simulate(1000 + e, [0.1, 0.1], 50, 10_000) !== null) falseWinners++;
    expect(falseWinners / 1000).toBeLessThanOrEqual(settings.alpha);
  });

  it('1,000 A/A/A experiments (three arms) stay under α too', () => {
    let falseWinners = 0;
    for (let e = 0; e < 1000; e++)
      if (simulate(5000 + e, [0.2, 0.2, 0.2], 100, 5_000) !== null) falseWinners++;
    expect(falseWinners / 1000).toBeLessThanOrEqual(settings.alpha);
  });

  it('finds a real winner', () => {
    let found = 0;
    for (let e = 0; e < 100; e++) if (simulate(9000 + e, [0.1, 0.15], 50, 10_000) === 'arm1') found++;
    expect(found).toBeGreaterThan(90);
  });

  it('waits for the minimum sample and stops at the maximum duration', () => {
    const control = { arm: 'control', entered: 50, conversions: 0 };
    const arm = { arm: 'b', entered: 50, conversions: 40 };
    expect(decideExperiment(control, [arm], { ...settings, minPerArm: 100, maxDays: 30 }, 1).status).toBe(
      'running',
    );
    expect(decideExperiment(control, [arm], { ...settings, minPerArm: 100, maxDays: 30 }, 30)).toMatchObject({
      status: 'inconclusive',
    });
    expect(decideExperiment(control, [arm], { ...settings, minPerArm: 10, maxDays: 30 }, 1)).toMatchObject({
      status: 'winner',
      winner: 'b',
    });
  });
});
