/**
 * Reactivation over time by arm against the holdout (`groupBy=day-arm`) through the HTTP API on a fresh PostgreSQL
 * database. The figures come from journey_daily_rollups alone: the fixture writes rollup rows and no runs, so a
 * route that scanned runs would find nothing. Checked: cumulative-to-date figures per arm and for the pooled holdout,
 * the version and day filters, the CSV, the workspace scope.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journeyDailyRollups, journeys, workspaces } from '@wakeflow/db';
import { createJourneyBench, type JourneyBench } from '@wakeflow/testing';
import { newcombeDifference, wilsonInterval } from '@wakeflow/analytics';
import type { createApp } from '../src/app';
import { createBenchApp } from './support/bench-app';

interface Group {
  key: string;
  day: string;
  arm?: string;
  holdout: boolean;
  figures: {
    entered: number;
    converted: number;
    rate: number | null;
    rateInterval: [number, number] | null;
    cost: { total: number };
  };
  lift: {
    holdout: { entered: number; converted: number };
    absoluteLift: number;
    absoluteLiftInterval: [number, number];
  } | null;
}

describe('results by day and arm (cumulative, against the holdout)', () => {
  let bench: JourneyBench;
  let app: ReturnType<typeof createApp>;
  let journeyId: string;
  let otherJourneyId: string;

  beforeAll(async () => {
    bench = await createJourneyBench();
    const { db } = bench.database;
    await db.insert(workspaces).values({ id: 'other', name: 'other' });
    app = createBenchApp(bench);
    const created = await request(app).post('/api/journeys').send({ name: 'Win back' });
    expect(created.status).toBe(201);
    journeyId = created.body.id;
    const [other] = await db
      .insert(journeys)
      .values({ workspaceId: 'other', name: 'Elsewhere', draftGraph: { nodes: [], edges: [] } })
      .returning({ id: journeys.id });
    otherJourneyId = other!.id;

    const row = (
      version: number,
      day: string,
      arm: string,
      holdout: boolean,
      entered: number,
      converted: number,
    ) => ({
      workspaceId: 'test',
      journeyId,
      version,
      day,
      arm,
      holdout,
      entered,
      converted,
      messaged: holdout ? 0 : entered,
      messagesSent: holdout ? 0 : entered,
      costMicros: holdout ? 0 : entered * 1_000_000,
    });
    // Version 1 as in the figures unit test: a 2/10, 3/10, 5/20; b 1/10, 4/10, none; holdout 0/5, 1/5, 1/10.
    // Version 2 adds a third day's entrants to b and the holdout.
    await db
      .insert(journeyDailyRollups)
      .values([
        row(1, '2026-01-01', 'a', false, 10, 2),
        row(1, '2026-01-01', 'b', false, 10, 1),
        row(1, '2026-01-01', 'a', true, 3, 0),
        row(1, '2026-01-01', 'b', true, 2, 0),
        row(1, '2026-01-02', 'a', false, 10, 3),
        row(1, '2026-01-02', 'b', false, 10, 4),
        row(1, '2026-01-02', 'a', true, 5, 1),
        row(1, '2026-01-03', 'a', false, 20, 5),
        row(1, '2026-01-03', 'b', true, 10, 1),
        row(2, '2026-01-03', 'b', false, 10, 5),
        row(2, '2026-01-03', 'a', true, 4, 2),
      ]);
    await db.insert(journeyDailyRollups).values({
      ...row(1, '2026-01-01', 'a', false, 99, 99),
      workspaceId: 'other',
      journeyId: otherJourneyId,
    });
  });
  afterAll(async () => {
    await bench?.close();
  });

  const get = (query: string) => request(app).get(`/api/journeys/${journeyId}/results?${query}`);
  const find = (groups: Group[], key: string) => {
    const g = groups.find((x) => x.key === key);
    if (!g) throw new Error(`no group ${key} in ${groups.map((x) => x.key).join(', ')}`);
    return g;
  };

  it('gives each arm and the pooled holdout per entry day, cumulative to date, with intervals and lift', async () => {
    const res = await get('groupBy=day-arm&version=1');
    expect(res.status).toBe(200);
    expect(res.body.groupBy).toBe('day-arm');
    const groups: Group[] = res.body.groups;
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
    const a2 = find(groups, '2026-01-02|a|treatment');
    expect(a2).toMatchObject({ day: '2026-01-02', arm: 'a', holdout: false });
    expect(a2.figures).toMatchObject({
      entered: 20,
      converted: 5,
      rate: 0.25,
      rateInterval: wilsonInterval(5, 20),
      cost: { total: 20 },
    });
    expect(a2.lift!.holdout).toMatchObject({ entered: 10, converted: 1 });
    expect(a2.lift!.absoluteLiftInterval).toEqual(newcombeDifference(5, 20, 1, 10));
    // b had nobody on day 3: its figures to date carry over.
    expect(find(groups, '2026-01-03|b|treatment').figures).toMatchObject({ entered: 20, converted: 5 });
    const h3 = find(groups, '2026-01-03|holdout');
    expect(h3).toMatchObject({ holdout: true, lift: null });
    expect(h3.arm).toBeUndefined();
    expect(h3.figures).toMatchObject({
      entered: 20,
      converted: 2,
      rate: 0.1,
      rateInterval: wilsonInterval(2, 20),
    });
    // The last day is the whole period: the same as the overall holdout.
    expect(res.body.overall.holdout).toMatchObject({ entered: 20, converted: 2 });
  });

  it('sums versions when none is asked for, and starts the accumulation at `from`', async () => {
    const all: Group[] = (await get('groupBy=day-arm')).body.groups;
    expect(find(all, '2026-01-03|b|treatment').figures).toMatchObject({ entered: 30, converted: 10 });
    expect(find(all, '2026-01-03|holdout').figures).toMatchObject({ entered: 24, converted: 4 });

    const later: Group[] = (await get('groupBy=day-arm&version=1&from=2026-01-02&to=2026-01-03')).body.groups;
    expect(later.map((g) => g.day)).not.toContain('2026-01-01');
    expect(find(later, '2026-01-03|a|treatment').figures).toMatchObject({ entered: 30, converted: 8 });
    expect(find(later, '2026-01-03|a|treatment').lift!.absoluteLiftInterval).toEqual(
      newcombeDifference(8, 30, 2, 15),
    );
  });

  it('exports the series as CSV, one line per day and series', async () => {
    const csv = await get('groupBy=day-arm&version=1&format=csv');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.headers['content-disposition']).toContain(`journey-${journeyId}-v1-by-day-arm.csv`);
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines).toHaveLength(1 + 1 + 9);
    expect(lines[0]!.startsWith('group,day,arm,holdout,entered,')).toBe(true);
    expect(lines.find((l) => l.startsWith('2026-01-02|a|treatment,'))).toMatch(
      /^2026-01-02\|a\|treatment,2026-01-02,a,false,20,20,20,5,0\.25,/,
    );
    expect(lines.find((l) => l.startsWith('2026-01-03|holdout,'))).toMatch(
      /^2026-01-03\|holdout,2026-01-03,,true,20,0,0,2,0\.1,/,
    );
  });

  it('names the wrong field of experiment settings, as the results page’s settings form reads it', async () => {
    const res = await request(app)
      .put(`/api/journeys/${journeyId}/versions/1/experiments/s`)
      .send({ controlArm: 'a', alpha: 0.5, minPerArm: 5 });
    expect(res.status).toBe(400);
    expect(res.body.error.issues).toEqual([
      { path: 'body.alpha', message: 'At most 0.2' },
      { path: 'body.minPerArm', message: 'At least 10 per arm' },
    ]);
  });

  it('refuses an unknown grouping and another workspace’s journey', async () => {
    const bad = await get('groupBy=week-arm');
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0]).toEqual({
      path: 'query.groupBy',
      message: 'Group by arm, node, day or day-arm',
    });
    expect((await request(app).get(`/api/journeys/${otherJourneyId}/results?groupBy=day-arm`)).status).toBe(
      404,
    );
  });
});
