import { describe, expect, it } from 'vitest';
import type { JourneyResults, LiftFigures } from '../../api/review';
import { groupFigures, journeyResults, liftFigures } from './results-fixtures';
import { toCsv } from './csv';
import { armDayColumns, armDaySeries } from './series';

const figures = groupFigures;
const lift = (absoluteLift: number, interval: [number, number]): LiftFigures =>
  liftFigures({ entered: 5, converted: 0, rate: 0 }, { absoluteLift, absoluteLiftInterval: interval });
const results = (groups: JourneyResults['groups']) => journeyResults(groups, 'day-arm');

describe('reactivation to date by arm', () => {
  // As the API sends it: per day the arms by key, then the holdout (here shuffled, to check the ordering).
  const r = results([
    { key: '2026-01-02|holdout', day: '2026-01-02', holdout: true, figures: figures(10, 1), lift: null },
    {
      key: '2026-01-01|s=a.1|treatment',
      day: '2026-01-01',
      arm: 's=a.1',
      holdout: false,
      figures: figures(10, 2, [0.05, 0.5]),
      lift: lift(0.2, [-0.25, 0.5]),
    },
    { key: '2026-01-01|holdout', day: '2026-01-01', holdout: true, figures: figures(5, 0), lift: null },
    {
      key: '2026-01-01|s=b|treatment',
      day: '2026-01-01',
      arm: 's=b',
      holdout: false,
      figures: figures(0, 0),
      lift: null,
    },
    {
      key: '2026-01-02|s=a.1|treatment',
      day: '2026-01-02',
      arm: 's=a.1',
      holdout: false,
      figures: figures(20, 5),
      lift: lift(0.15, [-0.18, 0.38]),
    },
    {
      key: '2026-01-02|s=b|treatment',
      day: '2026-01-02',
      arm: 's=b',
      holdout: false,
      figures: figures(10, 4),
      lift: lift(0.3, [0, 0.6]),
    },
  ]);
  const chart = armDaySeries(r);

  it('names one series per arm and the holdout last, with keys recharts cannot misread', () => {
    expect(chart.series).toEqual([
      { key: 's0', label: 's: a.1', holdout: false },
      { key: 's1', label: 's: b', holdout: false },
      { key: 's2', label: 'Holdout', holdout: true },
    ]);
  });

  it('gives one chart row per day with each series’ rate (null before anybody entered)', () => {
    expect(chart.rows).toEqual([
      { day: '2026-01-01', s0: 0.2, s1: null, s2: 0 },
      { day: '2026-01-02', s0: 0.25, s1: 0.4, s2: 0.1 },
    ]);
  });

  it('keeps the table behind the chart in day and series order, with intervals and lift, for the CSV', () => {
    expect(chart.points.map((p) => `${p.day} ${p.label}`)).toEqual([
      '2026-01-01 s: a.1',
      '2026-01-01 s: b',
      '2026-01-01 Holdout',
      '2026-01-02 s: a.1',
      '2026-01-02 s: b',
      '2026-01-02 Holdout',
    ]);
    expect(chart.points[0]).toEqual({
      day: '2026-01-01',
      series: 's0',
      label: 's: a.1',
      holdout: false,
      entered: 10,
      converted: 2,
      rate: 0.2,
      low: 0.05,
      high: 0.5,
      lift: 0.2,
      liftLow: -0.25,
      liftHigh: 0.5,
    });
    expect(chart.points[2]).toMatchObject({ holdout: true, lift: null, liftLow: null, low: null });
    const csv = toCsv(chart.points, armDayColumns).split('\r\n');
    expect(csv[0]).toBe(
      'day,arm,holdout,entered to date,reactivated to date,rate,rate low,rate high,lift vs holdout,lift low,lift high',
    );
    expect(csv[1]).toBe('2026-01-01,s: a.1,false,10,2,0.2,0.05,0.5,0.2,-0.25,0.5');
    expect(csv[3]).toBe('2026-01-01,Holdout,true,5,0,0,,,,,');
  });

  it('is empty without day groups', () => {
    expect(armDaySeries(results([]))).toEqual({ series: [], rows: [], points: [] });
  });
});
