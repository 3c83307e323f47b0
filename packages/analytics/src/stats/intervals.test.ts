import { describe, expect, it } from 'vitest';
import { meanDifference, newcombeDifference, relativeLiftInterval, wilsonInterval } from './intervals';

describe('intervals', () => {
  it('Wilson matches hand-computed values', () => {
    // 81/263: Newcombe (1998) table I example gives 0.2553–0.3662.
    const [lo, hi] = wilsonInterval(81, 263)!;
    expect(lo).toBeCloseTo(0.2553, 4);
    expect(hi).toBeCloseTo(0.3662, 4);
    // 0/10 → [0, 0.2775].
    const [lo0, hi0] = wilsonInterval(0, 10)!;
    expect(lo0).toBe(0);
    expect(hi0).toBeCloseTo(0.2775, 4);
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it('Newcombe difference matches the published example', () => {
    // Newcombe (1998), table II example (e): 56/70 − 48/80 → 0.0524 to 0.3339.
    const [lo, hi] = newcombeDifference(56, 70, 48, 80)!;
    expect(lo).toBeCloseTo(0.0524, 4);
    expect(hi).toBeCloseTo(0.3339, 4);
  });

  it('relative lift uses the log (Katz) interval', () => {
    const r = relativeLiftInterval(30, 100, 20, 100)!;
    expect(r.lift).toBeCloseTo(0.5, 10);
    const se = Math.sqrt(1 / 30 - 1 / 100 + 1 / 20 - 1 / 100);
    expect(r.interval[0]).toBeCloseTo(1.5 * Math.exp(-1.959963984540054 * se) - 1, 10);
    expect(r.interval[1]).toBeCloseTo(1.5 * Math.exp(1.959963984540054 * se) - 1, 10);
    expect(relativeLiftInterval(0, 100, 20, 100)).toBeNull();
  });

  it('mean difference from sums and sums of squares', () => {
    // a = [1, 2, 3], b = [0, 0]
    const d = meanDifference({ n: 3, sum: 6, sumSq: 14 }, { n: 2, sum: 0, sumSq: 0 })!;
    expect(d.difference).toBe(2);
    const se = Math.sqrt(1 / 3);
    expect(d.interval[1] - d.difference).toBeCloseTo(1.959963984540054 * se, 10);
  });
});
