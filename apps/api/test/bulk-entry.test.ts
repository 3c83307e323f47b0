/**
 * Entering many customers at once through the API (`POST /api/journeys/:id/runs/batch`), on the real Temporal dev
 * server and PostgreSQL: from the cohort threshold on, the entries run as cohort workflows whose members are runs
 * like any other; the answer says per customer what happened; bad input names the field and enters nobody.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { journeys, runs } from '@wakeflow/db';
import type { EnterCustomersAnswer } from '@wakeflow/contracts';
import type { JourneyGraphInput } from '@wakeflow/journey';
import { createRunStarter } from '@wakeflow/temporal';
import { createJourneyBench, eventually, type JourneyBench } from '@wakeflow/testing';
import type { Worker } from '@temporalio/worker';
import { createBenchApp } from './support/bench-app';

const graph: JourneyGraphInput = {
  nodes: [
    { id: 't', type: 'api_trigger', config: {} },
    { id: 'done', type: 'exit', config: { outcome: 'done' } },
  ],
  edges: [{ source: 't', target: 'done' }],
};

describe('bulk entry through the API', () => {
  let bench: JourneyBench;
  let app: ReturnType<typeof createBenchApp>;
  let worker: Worker;
  let running: Promise<void>;
  let journeyId: string;
  const names = Array.from({ length: 60 }, (_, i) => `bulk-${i}`);

  beforeAll(async () => {
    bench = await createJourneyBench({ timeSkipping: false });
    // Cohorts from 50 customers on, 25 to a cohort.
    const starter = createRunStarter({
      db: bench.database.db,
      client: bench.env.client,
      cohorts: { threshold: 50, size: 25 },
    });
    app = createBenchApp(bench, { starter });
    for (const name of [...names, 'late']) await bench.customer(name);
    ({ journeyId } = await bench.publish(graph, { reentry: { mode: 'once' } }));
    worker = await bench.newWorker();
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await bench?.close();
  });

  const enter = (id: string, body: object) => request(app).post(`/api/journeys/${id}/runs/batch`).send(body);
  const runCount = async () =>
    (await bench.database.db.select({ id: runs.id }).from(runs).where(eq(runs.journeyId, journeyId))).length;

  it('refuses bad input naming the field, and enters nobody', async () => {
    const cases: { body: object; path: string; message: RegExp }[] = [
      { body: {}, path: 'body.customerExternalIds', message: /expected array/i },
      { body: { customerExternalIds: [] }, path: 'body.customerExternalIds', message: /at least one/ },
      { body: { customerExternalIds: ['bulk-0', 7] }, path: 'body.customerExternalIds.1', message: /string/ },
      {
        body: { customerExternalIds: ['bulk-0', ' '] },
        path: 'body.customerExternalIds.1',
        message: /Required/,
      },
      {
        body: { customerExternalIds: ['bulk-0', 'bulk-1', ' bulk-0 '] },
        path: 'body.customerExternalIds.2',
        message: /Listed twice \(first at 0\)/,
      },
      {
        body: { customerExternalIds: Array.from({ length: 10_001 }, (_, i) => `x${i}`) },
        path: 'body.customerExternalIds',
        message: /At most 10,000/,
      },
    ];
    for (const c of cases) {
      const res = await enter(journeyId, c.body);
      expect(res.status, JSON.stringify(c.body).slice(0, 80)).toBe(400);
      const issue = (res.body.error.issues as { path: string; message: string }[]).find(
        (i) => i.path === c.path,
      );
      expect(issue?.message, c.path).toMatch(c.message);
    }

    // One unknown customer among known ones: 404 naming it, and nobody entered.
    const unknown = await enter(journeyId, { customerExternalIds: ['bulk-0', 'nobody', 'bulk-1'] });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('customer_not_found');
    expect(unknown.body.error.issues).toEqual([
      { path: 'body.customerExternalIds.1', message: 'No such customer' },
    ]);

    const noJourney = await enter('00000000-0000-4000-8000-000000000000', {
      customerExternalIds: ['bulk-0'],
    });
    expect(noJourney.status).toBe(404);
    const [draft] = await bench.database.db
      .insert(journeys)
      .values({ workspaceId: 'test', name: 'draft only', draftGraph: {}, draftSettings: {} })
      .returning({ id: journeys.id });
    const notLive = await enter(draft!.id, { customerExternalIds: names });
    expect(notLive.status).toBe(409);
    expect(notLive.body.error.code).toBe('journey_not_live');
    expect(await runCount()).toBe(0);
  });

  it('enters a list as cohorts and says per customer what happened', async () => {
    const first = await enter(journeyId, { customerExternalIds: names });
    expect(first.status).toBe(200);
    const answer = first.body as EnterCustomersAnswer;
    expect(answer.entered).toBe(60);
    expect(answer.notEntered).toEqual({});
    expect(answer.results.map((r) => r.customerExternalId)).toEqual(names);
    const cohorts = new Set(answer.results.map((r) => r.cohortWorkflowId));
    expect(cohorts.size).toBe(3);
    expect(cohorts.has(undefined)).toBe(false);

    // Members are runs: a row each, carried by the cohort the answer named, and they finish.
    await eventually(
      async () => {
        const rows = await bench.database.db
          .select({ status: runs.status, cohort: runs.cohortWorkflowId, id: runs.id })
          .from(runs)
          .where(eq(runs.journeyId, journeyId));
        return rows.length === 60 && rows.every((r) => r.status === 'completed') ? rows : undefined;
      },
      { what: 'every entered run to finish', timeoutMs: 60_000 },
    );
    const byRun = new Map(
      (
        await bench.database.db
          .select({ id: runs.id, cohort: runs.cohortWorkflowId })
          .from(runs)
          .where(eq(runs.journeyId, journeyId))
      ).map((r) => [r.id, r.cohort]),
    );
    for (const r of answer.results) {
      expect(r.started).toBe(true);
      if (r.started) expect(byRun.get(r.runId)).toBe(r.cohortWorkflowId);
    }

    // Again, with one newcomer: the journey lets a customer in once, so only the newcomer enters.
    const again = await enter(journeyId, { customerExternalIds: [...names, 'late'] });
    expect(again.status).toBe(200);
    expect(again.body.entered).toBe(1);
    expect(again.body.notEntered).toEqual({ reentry_not_allowed: 60 });
    expect(again.body.results.at(-1)).toMatchObject({ customerExternalId: 'late', started: true });
    await eventually(async () => ((await runCount()) === 61 ? true : undefined), {
      what: 'the newcomer’s run',
      timeoutMs: 30_000,
    });
  });
});
