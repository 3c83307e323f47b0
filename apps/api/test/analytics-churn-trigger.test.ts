/**
 * Churn risk as a trigger (issue 8 item 5, S-ID-7), on the journey bench (PostgreSQL, Temporal's dev server, a real
 * worker): a journey whose audience trigger is a churn-risk segment — "P(active) < 0.3 and predicted CLV in the top
 * 20%", or the article's rule "login frequency down 50% and browse depth down 30%" — is swept, the customers who
 * match start runs, and a branch on the dormancy reason gives each its own treatment.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createSegment, ingestEvents, runAudienceSweep, type RunStarter } from '@wakeflow/audience';
import { customerDormancyReasons, customerPredictions, runs, templates } from '@wakeflow/db';
import { rankPredictedClv } from '@wakeflow/analytics';
import type { Condition, EventInput, JourneyGraphInput } from '@wakeflow/journey';
import { createJourneyBench, type JourneyBench } from '@wakeflow/testing';
import { createBenchApp } from './support/bench-app';

const DAY = 86_400_000;

const churnRisk: Condition = {
  kind: 'or',
  conditions: [
    {
      kind: 'and',
      conditions: [
        { kind: 'trait', field: 'facts.pAlive', op: 'lt', value: 0.3 },
        { kind: 'trait', field: 'facts.predictedClvTopPercent', op: 'lte', value: 20 },
      ],
    },
    {
      kind: 'and',
      conditions: [
        { kind: 'trait', field: 'facts.loginsChange_30d', op: 'lte', value: -50 },
        { kind: 'trait', field: 'facts.browseDepthChange_30d', op: 'lte', value: -30 },
      ],
    },
  ],
};

const careJourney: JourneyGraphInput = {
  nodes: [
    { id: 't', type: 'audience_trigger', config: { segmentId: 'churn-risk', everyMinutes: 60 } },
    {
      id: 'why',
      type: 'branch',
      config: {
        condition: { kind: 'trait', field: 'facts.dormancyReason', op: 'eq', value: 'bad_experience' },
      },
    },
    { id: 'sorry', type: 'send', config: { channel: 'email', templateId: 'apology' } },
    { id: 'care', type: 'send', config: { channel: 'email', templateId: 'care' } },
    { id: 'x', type: 'exit', config: { outcome: 'cared' } },
  ],
  edges: [
    { source: 't', target: 'why' },
    { source: 'why', outcome: 'yes', target: 'sorry' },
    { source: 'why', outcome: 'no', target: 'care' },
    { source: 'sorry', target: 'x' },
    { source: 'care', target: 'x' },
  ],
};

describe('a churn-risk segment as a journey trigger', () => {
  let bench: JourneyBench;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    // The dev server, not time skipping: the sweep starts runs concurrently, which the time-skipping server handles
    // badly, and this journey has no timers.
    bench = await createJourneyBench({ timeSkipping: false });
    await bench.relaxSendingRules();
    const db = bench.database.db;
    await db.insert(templates).values([
      {
        workspaceId: 'test',
        id: 'apology',
        channel: 'email',
        name: 'Apology',
        subject: 'Sorry',
        body: 'We fixed it',
      },
      { workspaceId: 'test', id: 'care', channel: 'email', name: 'Care', subject: 'Hi', body: 'We miss you' },
    ]);
    for (const name of ['vip-risk', 'vip-safe', 'low-risk', 'fading', 'steady'])
      ids[name] = await bench.customer(name);
    // The model's facts, five buyers: vip-risk alone is in the top 20% by CLV (vip-safe is top 40%, low-risk 60%).
    const predictions = [
      ['vip-risk', 0.1, 500],
      ['vip-safe', 0.9, 400],
      ['low-risk', 0.1, 50],
      ['fading', 0.6, 40],
      ['steady', 0.8, 30],
    ] as const;
    await db.insert(customerPredictions).values(
      predictions.map(([name, pAlive, clv]) => ({
        customerId: ids[name]!,
        workspaceId: 'test',
        modelId: 1,
        pAlive,
        expectedPurchases: 1,
        horizonDays: 90,
        expectedOrderValue: clv,
        predictedClv: clv,
        computedAt: new Date(),
      })),
    );
    await rankPredictedClv(db, 'test');
    await db.insert(customerDormancyReasons).values({
      customerId: ids['vip-risk']!,
      workspaceId: 'test',
      reason: 'bad_experience',
      computedAt: new Date(),
    });
    // The sweep evaluates at the wall clock: fading logs in 6× then 2×, browsing 10 deep then 5 (−67%, −50%);
    // steady logs in 5× in each window.
    const now = Date.now();
    let seq = 0;
    const at = (daysAgo: number) => new Date(now - daysAgo * DAY).toISOString();
    const ev = (
      who: string,
      name: string,
      daysAgo: number,
      properties: Record<string, unknown> = {},
    ): EventInput => ({
      eventId: `ct-${++seq}`,
      customerExternalId: who,
      name,
      occurredAt: at(daysAgo),
      properties,
    });
    await ingestEvents(db, 'test', [
      ...[40, 42, 44, 46, 48, 50].map((d) => ev('fading', 'login', d)),
      ...[5, 7].map((d) => ev('fading', 'login', d)),
      ev('fading', 'session', 45, { browseDepth: 10 }),
      ev('fading', 'session', 6, { browseDepth: 5 }),
      ...[40, 42, 44, 46, 48, 5, 7, 9, 11, 13].map((d) => ev('steady', 'login', d)),
      ev('steady', 'session', 45, { browseDepth: 10 }),
      ev('steady', 'session', 6, { browseDepth: 5 }),
    ]);
    await createSegment(db, 'test', { id: 'churn-risk', name: 'Churn risk', definition: churnRisk });
  });
  afterAll(async () => {
    await bench?.close();
  });

  it('the sweep starts runs for the customers at risk, and the branch treats a bad experience apart', async () => {
    const db = bench.database.db;
    const app = createBenchApp(bench);
    const facts = await request(app).get('/api/analytics/customers/vip-risk/facts');
    expect(facts.status).toBe(200);
    expect(facts.body).toMatchObject({
      pAlive: 0.1,
      predictedClv: 500,
      predictedClvTopPercent: 20,
      dormancyReason: 'bad_experience',
    });

    const { journeyId } = await bench.publish(careJourney, {});
    // The production run starter, noting which workflows the sweep started.
    const workflowIds: string[] = [];
    const starter: RunStarter = {
      async startRun(input) {
        const result = await bench.starter.startRun(input);
        if (result.started) workflowIds.push(result.workflowId);
        return result;
      },
    };
    const progress = await runAudienceSweep(
      { db, runs: starter },
      { workspaceId: 'test', journeyId, sweepKey: 'churn-1' },
    );
    // vip-risk by the model (P 0.1, top 20%); fading by the rule. low-risk is at risk but not in the top 20%.
    expect(progress).toMatchObject({ status: 'completed', matched: 2, started: 2 });
    await bench.withWorker(() =>
      Promise.all(workflowIds.map((id) => bench.env.client.workflow.getHandle(id).result())),
    );
    const finished = await db
      .select({ customerId: runs.customerId, status: runs.status })
      .from(runs)
      .where(eq(runs.journeyId, journeyId));
    expect(finished.map((r) => r.customerId).sort()).toEqual([ids['vip-risk'], ids['fading']].sort());
    expect(finished.every((r) => r.status === 'completed')).toBe(true);
    expect((await bench.messagesOf(ids['vip-risk']!)).map((m) => [m.templateId, m.status])).toEqual([
      ['apology', 'sent'],
    ]);
    expect((await bench.messagesOf(ids['fading']!)).map((m) => [m.templateId, m.status])).toEqual([
      ['care', 'sent'],
    ]);

    // Still in the segment at the next sweep: the journey lets each customer in once.
    const again = await runAudienceSweep(
      { db, runs: starter },
      { workspaceId: 'test', journeyId, sweepKey: 'churn-2' },
    );
    expect(again).toMatchObject({ status: 'completed', started: 0 });
  });
});
