import { describe, expect, it } from 'vitest';
import type { DormancyHistory } from '../../api/audience';
import { toCsv } from '../review/csv';
import { axisDayLabel, axisDays, dormancyHistoryRows, historyCsvColumns, lastDays } from './dormancy-history';

const history: DormancyHistory = {
  from: '2026-05-01',
  to: '2026-05-05',
  stages: ['active', 'dormant_1_3m', 'never_active'],
  tiers: ['high', 'unscored'],
  // Out of order on purpose; May 2 has no snapshot.
  days: ['2026-05-03', '2026-05-01'],
  cells: [
    { day: '2026-05-01', stage: 'active', tier: 'high', customers: 2 },
    { day: '2026-05-01', stage: 'active', tier: 'unscored', customers: 3 },
    { day: '2026-05-01', stage: 'dormant_1_3m', tier: 'unscored', customers: 1 },
    { day: '2026-05-03', stage: 'active', tier: 'high', customers: 1 },
    { day: '2026-05-03', stage: 'dormant_1_3m', tier: 'high', customers: 1 },
    // A cell of a day not listed is ignored rather than invent a day.
    { day: '2026-05-04', stage: 'active', tier: 'high', customers: 9 },
  ],
};

describe('dormancyHistoryRows', () => {
  it('gives one row per snapshot day, oldest first, stages summed over tiers and missing stages as 0', () => {
    expect(dormancyHistoryRows(history)).toEqual([
      { day: '2026-05-01', active: 5, dormant_1_3m: 1, never_active: 0, total: 6 },
      { day: '2026-05-03', active: 1, dormant_1_3m: 1, never_active: 0, total: 2 },
    ]);
  });

  it('keeps one tier when asked', () => {
    expect(dormancyHistoryRows(history, 'unscored')).toEqual([
      { day: '2026-05-01', active: 3, dormant_1_3m: 1, never_active: 0, total: 4 },
      { day: '2026-05-03', active: 0, dormant_1_3m: 0, never_active: 0, total: 0 },
    ]);
  });

  it('exports the charted rows as CSV with a column per stage', () => {
    const rows = dormancyHistoryRows(history);
    expect(toCsv(rows, historyCsvColumns(history.stages))).toBe(
      'day,active,dormant_1_3m,never_active,total\r\n2026-05-01,5,1,0,6\r\n2026-05-03,1,1,0,2\r\n',
    );
  });
});

describe('lastDays', () => {
  it('counts today as the last of the N days, in UTC', () => {
    expect(lastDays(1, new Date('2026-03-01T23:30:00Z'))).toEqual({ from: '2026-03-01', to: '2026-03-01' });
    expect(lastDays(30, new Date('2026-03-01T00:10:00Z'))).toEqual({ from: '2026-01-31', to: '2026-03-01' });
  });
});

describe('the dormancy chart’s x-axis', () => {
  it('labels at most six days of a year, evenly, with short labels that cannot run together', () => {
    const year = Array.from({ length: 365 }, (_, i) =>
      new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10),
    );
    const ticks = axisDays(year);
    expect(ticks).toHaveLength(6);
    expect(ticks[0]).toBe('2026-01-01');
    expect(ticks.at(-1)).toBe('2026-12-31');
    expect(ticks.map((d) => axisDayLabel(d, false))).toEqual([
      'Jan 1',
      'Mar 15',
      'May 27',
      'Aug 7',
      'Oct 19',
      'Dec 31',
    ]);
    expect(axisDayLabel('2025-12-07', true)).toBe('Dec 2025');
    expect(axisDays(['2026-05-01', '2026-05-02'])).toEqual(['2026-05-01', '2026-05-02']);
  });
});
