/**
 * End to end on real parts (PostgreSQL, the Temporal dev server, a real worker, the HTTP API): 100 customers
 * (WAKEFLOW_E2E_CUSTOMERS) run a split journey with a 20% holdout; conversions are injected as events; the API's figures equal the ones
 * computed independently from the fixture (who is held out and which arm is a stable hash of ids).
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { isInHoldout, stableBucket, type EventInput } from '@wakeflow/journey';
import { messages, runs, templates } from '@wakeflow/db';
import { ingestEvents } from '@wakeflow/audience';
import { createJourneyBench, type JourneyBench } from '@wakeflow/testing';
import { newcombeDifference, recordConversions, wilsonInterval } from '@wakeflow/analytics';
import type { JourneyGraphInput } from '@wakeflow/journey';
import type { createApp } from '../src/app';
import { createBenchApp } from './support/bench-app';

const splitJourney: JourneyGraphInput = {
  nodes: [
    { id: 't', type: 'api_trigger', config: {} },
    {
      id: 's',
      type: 'split',
      config: {
        arms: [
          { name: 'a', percent: 50 },
          { name: 'b', percent: 50 },
        ],
      },
    },
    { id: 'email', type: 'send', config: { channel: 'email', templateId: 'nudge' } },
    { id: 'sms', type: 'send', config: { channel: 'sms', templateId: 'nudge-sms' } },
    { id: 'x', type: 'exit', config: { outcome: 'done' } },
  ],
  edges: [
    { source: 't', target: 's' },
    { source: 's', outcome: 'a', target: 'email' },
    { source: 's', outcome: 'b', target: 'sms' },
    { source: 'email', target: 'x' },
    { source: 'sms', target: 'x' },
  ],
};

const N = Number(process.env.WAKEFLOW_E2E_CUSTOMERS ?? 100);
const DAY = 86_400_000;

describe('journey results end to end', () => {
  let bench: JourneyBench;
  let app: ReturnType<typeof createApp>;
  let journeyId: string;
  const customerIds: string[] = [];
  let startedAt: Date;

  beforeAll(async () => {
    // The dev server, not time skipping: this journey has no timers, and many runs at once are what the
    // time-skipping server handles badly.
    bench = await createJourneyBench({ timeSkipping: false });
    await bench.relaxSendingRules();
    const db = bench.database.db;
    await db.insert(templates).values([
      { workspaceId: 'test', id: 'nudge', channel: 'email', name: 'Nudge', subject: 'Hi', body: 'Come back' },
      { workspaceId: 'test', id: 'nudge-sms', channel: 'sms', name: 'Nudge SMS', body: 'Come back' },
    ]);
    app = createBenchApp(bench);
    ({ journeyId } = await bench.publish(splitJourney, {
      holdoutPercent: 20,
      conversion: {
        events: ['purchase', 'store_purchase'],
        window: { amount: 7, unit: 'days' },
        from: 'entry',
      },
    }));
    for (let i = 0; i < N; i++) customerIds.push(await bench.customer(`e2e-${i}`));
    startedAt = await bench.now();
    await bench.withWorker(async () => {
      for (let b = 0; b < N; b += 50) {
        const workflowIds: string[] = [];
        for (const customerId of customerIds.slice(b, b + 50)) {
          const started = await bench.starter.startRun({ workspaceId: 'test', journeyId, customerId });
          if (!started.started) throw new Error(`not started: ${started.reason}`);
          workflowIds.push(started.workflowId);
        }
        await Promise.all(workflowIds.map((id) => bench.env.client.workflow.getHandle(id).result()));
      }
    });

    // Injected conversions: every third customer buys online a day after entry, every fifth (from 1) in a store two
    // days after; every seventh (from 2) buys after the 7-day window, which must not count.
    const inputs: EventInput[] = [];
    customerIds.forEach((_, i) => {
      const at = (days: number) => new Date(startedAt.getTime() + days * DAY).toISOString();
      if (i % 3 === 0)
        inputs.push({
          eventId: `buy-${i}`,
          customerExternalId: `e2e-${i}`,
          name: 'purchase',
          properties: { amount: 10 + (i % 7) },
          occurredAt: at(1),
        });
      if (i % 5 === 1)
        inputs.push({
          eventId: `store-${i}`,
          customerExternalId: `e2e-${i}`,
          name: 'store_purchase',
          properties: { amount: 25 },
          occurredAt: at(2),
        });
      if (i % 7 === 2)
        inputs.push({
          eventId: `late-${i}`,
          customerExternalId: `e2e-${i}`,
          name: 'purchase',
          properties: { amount: 99 },
          occurredAt: at(8),
        });
    });
    const stored = await ingestEvents(db, 'test', inputs);
    await recordConversions(db, 'test', stored.accepted);
  }, 300_000);

  afterAll(async () => {
    await bench?.close();
  });

  function expected() {
    const groups = {
      a: { entered: 0, converted: 0 },
      b: { entered: 0, converted: 0 },
      holdout: { entered: 0, converted: 0 },
    };
    customerIds.forEach((customerId, i) => {
      const converted = i % 3 === 0 || i % 5 === 1 ? 1 : 0;
      const group = isInHoldout(journeyId, customerId, 20)
        ? 'holdout'
        : stableBucket(`split:${journeyId}:s:${customerId}`) < 50
          ? 'a'
          : 'b';
      groups[group].entered += 1;
      groups[group].converted += converted;
    });
    return groups;
  }

  it('holdout members are tracked like the others and never messaged', async () => {
    const db = bench.database.db;
    const rows = await db
      .select({ holdout: runs.holdout, status: messages.status, reason: messages.reason })
      .from(runs)
      .innerJoin(messages, eq(messages.runId, runs.id))
      .where(eq(runs.journeyId, journeyId));
    expect(rows).toHaveLength(N);
    for (const r of rows) {
      if (r.holdout) expect([r.status, r.reason]).toEqual(['skipped', 'holdout']);
      else expect(r.status).toBe('sent');
    }
  });

  it('the API’s figures equal the ones computed from the fixture', async () => {
    const e = expected();
    const treated = { entered: e.a.entered + e.b.entered, converted: e.a.converted + e.b.converted };
    const res = await request(app).get(`/api/journeys/${journeyId}/results?groupBy=arm&version=1`);
    expect(res.status).toBe(200);
    const { overall, groups } = res.body;
    expect(overall.all.entered).toBe(N);
    expect(overall.treatment).toMatchObject({
      entered: treated.entered,
      converted: treated.converted,
      messaged: treated.entered,
      messagesSent: treated.entered,
    });
    expect(overall.holdout).toMatchObject({
      entered: e.holdout.entered,
      converted: e.holdout.converted,
      messaged: 0,
    });
    expect(overall.treatment.rateInterval).toEqual(wilsonInterval(treated.converted, treated.entered));
    expect(overall.lift.absoluteLift).toBeCloseTo(
      treated.converted / treated.entered - e.holdout.converted / e.holdout.entered,
      12,
    );
    expect(overall.lift.absoluteLiftInterval).toEqual(
      newcombeDifference(treated.converted, treated.entered, e.holdout.converted, e.holdout.entered),
    );
    for (const arm of ['a', 'b'] as const) {
      const g = groups.find((x: { arm: string; holdout: boolean }) => x.arm === arm && !x.holdout);
      expect(g.figures).toMatchObject({ entered: e[arm].entered, converted: e[arm].converted });
    }
    const held = groups.filter((x: { holdout: boolean }) => x.holdout);
    expect(held.reduce((s: number, g: { figures: { entered: number } }) => s + g.figures.entered, 0)).toBe(
      e.holdout.entered,
    );

    const nodes = await request(app).get(`/api/journeys/${journeyId}/results?groupBy=node`);
    const byNode = Object.fromEntries(nodes.body.nodes.map((n: { nodeId: string }) => [n.nodeId, n]));
    expect(byNode.t.reached).toBe(N);
    expect(byNode.email.reached + byNode.sms.reached).toBe(N);
    expect(byNode.email.messagesSent + byNode.sms.messagesSent).toBe(treated.entered);
    expect(byNode.x.reached).toBe(N);

    const csv = await request(app).get(`/api/journeys/${journeyId}/results?groupBy=day&format=csv`);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text.split('\r\n')[1]).toMatch(new RegExp(`^total,,,,${N},`));
  });

  it('shows each run’s conversion', async () => {
    const db = bench.database.db;
    const [run] = await db
      .select({ id: runs.id })
      .from(runs)
      .where(and(eq(runs.journeyId, journeyId), eq(runs.customerId, customerIds[0]!)));
    const res = await request(app).get(`/api/runs/${run!.id}/conversion`);
    expect(res.status).toBe(200);
    expect(res.body.converted).toBe(true);
    expect(res.body.conversion.value).toBe(10);
    expect((await request(app).get('/api/runs/00000000-0000-4000-8000-000000000000/conversion')).status).toBe(
      404,
    );
  });

  it('refuses bad definitions and bad queries with clear errors', async () => {
    const bad = await request(app)
      .post('/api/analytics/measurement/check')
      .send({
        settings: {
          holdoutPercent: 100,
          conversion: { events: ['purchase'], window: { amount: 0, unit: 'days' } },
        },
      });
    expect(bad.status).toBe(422);
    expect(bad.body.error.problems.map((p: { path: string }) => p.path)).toEqual(
      expect.arrayContaining(['settings.holdoutPercent', 'settings.conversion.window.amount']),
    );
    const unknown = await request(app)
      .post('/api/analytics/measurement/check')
      .send({ settings: { conversion: { events: ['purchace'], window: { amount: 7, unit: 'days' } } } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.message).toBe(
      'No event “purchace” has been received in this workspace; check the name or send one first',
    );
    const groupBy = await request(app).get(`/api/journeys/${journeyId}/results?groupBy=week`);
    expect(groupBy.status).toBe(400);
    expect(groupBy.body.error.issues[0].path).toBe('query.groupBy');
    const missing = await request(app).get('/api/journeys/00000000-0000-4000-8000-000000000000/results');
    expect(missing.status).toBe(404);
  });
});
