import { describe, expect, it } from 'vitest';
import { chanceToBeat } from './beta';
import { seededRandom } from './random';

describe('chance to beat control', () => {
  it('is one half for identical counts and symmetric', () => {
    expect(chanceToBeat({ conversions: 10, entered: 100 }, { conversions: 10, entered: 100 })).toBeCloseTo(
      0.5,
      10,
    );
    const p = chanceToBeat({ conversions: 30, entered: 200 }, { conversions: 20, entered: 200 });
    const q = chanceToBeat({ conversions: 20, entered: 200 }, { conversions: 30, entered: 200 });
    expect(p + q).toBeCloseTo(1, 10);
  });

  it('agrees with a seeded Monte Carlo estimate', () => {
    const rnd = seededRandom(7);
    const arm = { conversions: 45, entered: 400 };
    const control = { conversions: 30, entered: 380 };
    let wins = 0;
    const draws = 200_000;
    for (let i = 0; i < draws; i++) {
      if (
        rnd.beta(1 + arm.conversions, 1 + arm.entered - arm.conversions) >
        rnd.beta(1 + control.conversions, 1 + control.entered - control.conversions)
      )
        wins++;
    }
    expect(chanceToBeat(arm, control)).toBeCloseTo(wins / draws, 2);
  });

  it('handles large counts', () => {
    const p = chanceToBeat(
      { conversions: 20_500, entered: 100_000 },
      { conversions: 20_000, entered: 100_000 },
    );
    expect(p).toBeGreaterThan(0.99);
    expect(p).toBeLessThanOrEqual(1);
  });
});
