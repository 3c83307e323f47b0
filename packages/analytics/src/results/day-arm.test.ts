/**
 * Reactivation over time by arm (groupBy=day-arm) from rollup rows: cumulative-to-date rates, Wilson intervals and
 * lifts against the pooled holdout, for two arms and a holdout over three days. Expected values computed by hand
 * from the formulas in docs/measurement.md (z = 1.959963984540054), not with the package's own functions.
 */
import { describe, expect, it } from 'vitest';
import { dayArmGroups, emptyTotals, groupRows, type RollupRow } from './figures';

const row = (day: string, arm: string, holdout: boolean, entered: number, converted: number): RollupRow => ({
  ...emptyTotals(),
  day,
  version: 1,
  arm,
  holdout,
  entered,
  converted,
  messaged: holdout ? 0 : entered,
  // 1.00 per messaged entrant, so cumulative cost is easy to check.
  costMicros: holdout ? 0 : entered * 1_000_000,
});

// Day 1: a 2/10, b 1/10, holdout 0/3 + 0/2 (journey-level holdout members who passed arm a or b: pooled).
// Day 2: a 3/10, b 4/10, holdout 1/5. Day 3: a 5/20, b nobody (carried), holdout 1/10.
const rows: RollupRow[] = [
  row('2026-01-01', 'a', false, 10, 2),
  row('2026-01-01', 'b', false, 10, 1),
  row('2026-01-01', 'a', true, 3, 0),
  row('2026-01-01', 'b', true, 2, 0),
  row('2026-01-02', 'b', false, 10, 4),
  row('2026-01-02', 'a', false, 10, 3),
  row('2026-01-02', 'a', true, 5, 1),
  row('2026-01-03', 'a', false, 20, 5),
  row('2026-01-03', 'b', true, 10, 1),
];

function expectInterval(actual: [number, number] | null, expected: [number, number]) {
  expect(actual).not.toBeNull();
  expect(actual![0]).toBeCloseTo(expected[0], 9);
  expect(actual![1]).toBeCloseTo(expected[1], 9);
}

describe('reactivation over time by arm (day-arm)', () => {
  const groups = dayArmGroups(rows);
  const at = (key: string) => {
    const g = groups.find((x) => x.key === key);
    if (!g) throw new Error(`no group ${key}`);
    return g;
  };

  it('has one point per day and series (each arm, then the pooled holdout), in day order', () => {
    expect(groups.map((g) => g.key)).toEqual([
      '2026-01-01|a|treatment',
      '2026-01-01|b|treatment',
      '2026-01-01|holdout',
      '2026-01-02|a|treatment',
      '2026-01-02|b|treatment',
      '2026-01-02|holdout',
      '2026-01-03|a|treatment',
      '2026-01-03|b|treatment',
      '2026-01-03|holdout',
    ]);
    expect(at('2026-01-02|a|treatment')).toMatchObject({ day: '2026-01-02', arm: 'a', holdout: false });
    expect(at('2026-01-02|holdout')).toMatchObject({ day: '2026-01-02', holdout: true, lift: null });
    expect(at('2026-01-02|holdout').arm).toBeUndefined();
  });

  it('day 1: each series on its own first day', () => {
    const a = at('2026-01-01|a|treatment');
    expect(a.figures).toMatchObject({ entered: 10, converted: 2, rate: 0.2 });
    expectInterval(a.figures.rateInterval, [0.0566821515, 0.5098375285]);
    expect(a.lift!.holdout).toEqual({ entered: 5, converted: 0, rate: 0 });
    expect(a.lift!.absoluteLift).toBeCloseTo(0.2, 12);
    expectInterval(a.lift!.absoluteLiftInterval, [-0.2575095823, 0.5098375285]);
    // No holdout conversion: the relative lift and its interval are undefined.
    expect(a.lift!.relativeLift).toBeNull();
    expect(a.lift!.relativeLiftInterval).toBeNull();

    const b = at('2026-01-01|b|treatment');
    expect(b.figures).toMatchObject({ entered: 10, converted: 1, rate: 0.1 });
    expectInterval(b.figures.rateInterval, [0.0178762131, 0.4041500268]);
    expectInterval(b.lift!.absoluteLiftInterval, [-0.3421756762, 0.4041500268]);

    const h = at('2026-01-01|holdout');
    expect(h.figures).toMatchObject({ entered: 5, converted: 0, rate: 0, messaged: 0 });
    expectInterval(h.figures.rateInterval, [0, 0.4344824648]);
  });

  it('day 2: cumulative to date (days 1–2)', () => {
    const a = at('2026-01-02|a|treatment');
    expect(a.figures).toMatchObject({ entered: 20, converted: 5, rate: 0.25 });
    expectInterval(a.figures.rateInterval, [0.1118617014, 0.4687008776]);
    expect(a.lift!.holdout).toEqual({ entered: 10, converted: 1, rate: 0.1 });
    expect(a.lift!.absoluteLift).toBeCloseTo(0.15, 12);
    expectInterval(a.lift!.absoluteLiftInterval, [-0.1840500387, 0.3836116227]);
    expect(a.lift!.relativeLift).toBeCloseTo(1.5, 12);
    expect(a.figures.cost.total).toBe(20);

    const b = at('2026-01-02|b|treatment');
    expect(b.figures).toMatchObject({ entered: 20, converted: 5, rate: 0.25 });
    expectInterval(b.figures.rateInterval, [0.1118617014, 0.4687008776]);

    const h = at('2026-01-02|holdout');
    expect(h.figures).toMatchObject({ entered: 10, converted: 1, rate: 0.1 });
    expectInterval(h.figures.rateInterval, [0.0178762131, 0.4041500268]);
  });

  it('day 3: an arm without entrants that day carries its figures to date', () => {
    const a = at('2026-01-03|a|treatment');
    expect(a.figures).toMatchObject({ entered: 40, converted: 10, rate: 0.25 });
    expectInterval(a.figures.rateInterval, [0.1418711864, 0.4019396142]);
    expect(a.lift!.holdout).toEqual({ entered: 20, converted: 2, rate: 0.1 });
    expectInterval(a.lift!.absoluteLiftInterval, [-0.0782681906, 0.3181930168]);
    // (0.25 − 0.1) × 40 entrants; cost 40.00 / 6.
    expect(a.lift!.incrementalReactivations).toBeCloseTo(6, 12);
    expect(a.lift!.costPerIncrementalReactivation).toBeCloseTo(40 / 6, 12);

    const b = at('2026-01-03|b|treatment');
    expect(b.figures).toMatchObject({ entered: 20, converted: 5, rate: 0.25 });
    expectInterval(b.lift!.absoluteLiftInterval, [-0.0939194868, 0.3802896402]);

    const h = at('2026-01-03|holdout');
    expect(h.figures).toMatchObject({ entered: 20, converted: 2, rate: 0.1 });
    expectInterval(h.figures.rateInterval, [0.0278664812, 0.3010336452]);
  });

  it('the last day equals the whole period grouped by arm', () => {
    const byArm = groupRows(rows, 'arm');
    for (const arm of ['a', 'b']) {
      const whole = byArm.find((g) => g.key === `${arm}|treatment`)!;
      expect(at(`2026-01-03|${arm}|treatment`).figures).toEqual(whole.figures);
      expect(at(`2026-01-03|${arm}|treatment`).lift).toEqual(whole.lift);
    }
    expect(dayArmGroups([])).toEqual([]);
    // Without holdout rows there is no holdout series and no lift.
    const noHoldout = dayArmGroups(rows.filter((r) => !r.holdout));
    expect(noHoldout.some((g) => g.holdout)).toBe(false);
    expect(noHoldout.every((g) => g.lift === null)).toBe(true);
  });
});
