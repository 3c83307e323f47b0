import { describe, expect, it } from 'vitest';
import type { JourneyResults } from '../../api/review';
import { groupFigures, journeyResults, liftFigures } from './results-fixtures';
import { toCsv } from './csv';
import { filtersFromSearch, parseReviewPath, runsHref } from './routes';
import { armLabel, armSeries, dailySeries, monthlySeries } from './series';

const figures = groupFigures;
const lift = (entered: number, converted: number) =>
  liftFigures({ entered, converted, rate: converted / entered });
const results = (groups: JourneyResults['groups']) => journeyResults(groups);

describe('review routes', () => {
  it('parses run finder filters, one run and results paths', () => {
    expect(parseReviewPath('/runs?journeyId=j1&version=2&status=running')).toEqual({
      page: 'runs',
      filters: { journeyId: 'j1', version: 2, status: 'running' },
    });
    expect(parseReviewPath('/runs/abc')).toEqual({ page: 'run', runId: 'abc' });
    expect(parseReviewPath('/journeys/j1/results?version=3')).toEqual({
      page: 'results',
      journeyId: 'j1',
      version: 3,
    });
    expect(parseReviewPath('/results')).toEqual({ page: 'dashboard' });
    expect(parseReviewPath('/journeys/j1')).toBeNull();
    expect(filtersFromSearch('version=x&outcome=reactivated')).toEqual({ outcome: 'reactivated' });
    expect(runsHref({ journeyId: 'j 1', status: 'failed', outcome: '' })).toBe(
      '#/runs?journeyId=j+1&status=failed',
    );
  });
});

describe('results series', () => {
  it('splits each entry day into treatment and holdout rates', () => {
    const r = results([
      { key: '2024-05-02', day: '2024-05-02', figures: figures(120, 30), lift: lift(20, 2) },
      { key: '2024-05-01', day: '2024-05-01', figures: figures(10, 1), lift: null },
    ]);
    expect(dailySeries(r)).toEqual([
      { day: '2024-05-01', treatment: 0.1, holdout: null, entered: 10 },
      { day: '2024-05-02', treatment: 0.28, holdout: 0.1, entered: 120 },
    ]);
  });

  it('sums treatment runs of several journeys by month', () => {
    const a = results([
      { key: '2024-05-02', day: '2024-05-02', figures: figures(120, 30), lift: lift(20, 2) },
      { key: '2024-06-01', day: '2024-06-01', figures: figures(50, 5), lift: null },
    ]);
    const b = results([{ key: '2024-05-20', day: '2024-05-20', figures: figures(100, 12), lift: null }]);
    expect(monthlySeries([a, b])).toEqual([
      { month: '2024-05', entered: 200, converted: 40, rate: 0.2 },
      { month: '2024-06', entered: 50, converted: 5, rate: 0.1 },
    ]);
  });

  it('names arms as people read them', () => {
    expect(armLabel('', false)).toBe('No split');
    expect(armLabel('split1=a&split2=b', true)).toBe('split1: a, split2: b (holdout)');
    const r = results([
      { key: 'a|treatment', arm: 'a', holdout: false, figures: figures(10, 2), lift: null },
    ]);
    expect(armSeries(r)[0]).toMatchObject({
      arm: 'a',
      rate: 0.2,
      entered: 10,
      holdout: false,
      costPerIncremental: null,
    });
  });

  it("carries each arm's cost per reactivation and per incremental reactivation", () => {
    const paid = {
      ...figures(100, 20),
      cost: { messages: 8, coupons: 12, total: 20 },
      costPerReactivation: 1,
    };
    const r = results([
      {
        key: 'b|treatment',
        arm: 'b',
        holdout: false,
        figures: paid,
        lift: { ...lift(50, 5), incrementalReactivations: 10, costPerIncrementalReactivation: 2 },
      },
    ]);
    expect(armSeries(r)[0]).toMatchObject({
      arm: 'b',
      cost: 20,
      costPerReactivation: 1,
      costPerIncremental: 2,
    });
  });
});

describe('CSV export', () => {
  it('quotes what needs quoting', () => {
    const csv = toCsv(
      [{ a: 'x, y', b: 'say "hi"', c: null }],
      [
        { header: 'a', value: (r) => r.a },
        { header: 'b', value: (r) => r.b },
        { header: 'c', value: (r) => r.c },
      ],
    );
    expect(csv).toBe('a,b,c\r\n"x, y","say ""hi""",\r\n');
  });
});
