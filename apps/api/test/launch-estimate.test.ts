/**
 * The launch estimate (issue 16 item 3) against what then happens: a win-back draft with an audience trigger, a
 * holdout, an A/B split into an email arm and an SMS arm and an entry cap is estimated through the API; then it is
 * published and its first audience sweep runs on a real Temporal dev server with a worker. Customers entered, the
 * holdout, the arms and the first touch's messages per channel (sent, and skipped with their reasons) must be what the
 * estimate said. Nothing may be written by the estimate itself.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, ne, sql } from 'drizzle-orm';
import { createSegment, runAudienceSweep, type RunStarter } from '@wakeflow/audience';
import { createProvider, deriveSecretKeys, saveChannelSettings } from '@wakeflow/channels';
import { journeys, messages, runSteps, runs, templates } from '@wakeflow/db';
import type { JourneyGraphInput } from '@wakeflow/journey';
import { createJourneyBench, type JourneyBench } from '@wakeflow/testing';
import { createBenchApp } from './support/bench-app';

const graph: JourneyGraphInput = {
  nodes: [
    { id: 't', type: 'audience_trigger', config: { segmentId: 'winback', everyMinutes: 60 } },
    {
      id: 'ab',
      type: 'split',
      config: {
        arms: [
          { name: 'mail', percent: 50 },
          { name: 'text', percent: 50 },
        ],
      },
    },
    { id: 'gift_mail', type: 'send', config: { channel: 'email', templateId: 'gift' } },
    { id: 'gift_text', type: 'send', config: { channel: 'sms', templateId: 'gift-sms' } },
    {
      id: 'back',
      type: 'wait_for_event',
      config: { events: [{ event: 'login' }], timeout: { amount: 7, unit: 'days' } },
    },
    { id: 'won', type: 'exit', config: { outcome: 'reactivated' } },
    { id: 'lost', type: 'exit', config: { outcome: 'still_dormant' } },
  ],
  edges: [
    { source: 't', target: 'ab' },
    { source: 'ab', outcome: 'mail', target: 'gift_mail' },
    { source: 'ab', outcome: 'text', target: 'gift_text' },
    { source: 'gift_mail', target: 'back' },
    { source: 'gift_text', target: 'back' },
    { source: 'back', outcome: 'login', target: 'won' },
    { source: 'back', outcome: 'timeout', target: 'lost' },
  ],
};

const CUSTOMERS = 40;
const ENTRY_CAP = 30;

describe('the launch estimate equals what the first sweep does', () => {
  let bench: JourneyBench;
  let journeyId: string;

  beforeAll(async () => {
    // The dev server: the sweep starts runs concurrently.
    bench = await createJourneyBench({ timeSkipping: false });
    await bench.relaxSendingRules();
    const db = bench.database.db;
    await db.insert(templates).values([
      {
        workspaceId: 'test',
        id: 'gift',
        channel: 'email',
        name: 'Gift',
        subject: 'A gift',
        body: 'Hi {{ customer.firstName }}',
      },
      { workspaceId: 'test', id: 'gift-sms', channel: 'sms', name: 'Gift SMS', body: 'A gift awaits' },
    ]);
    // 40 dormant customers tagged for the win-back, one untagged. Every other one has no email consent, the others
    // no phone: the rules skip messages of each arm. So many, because who enters under the cap, the holdout and the
    // arm are hashes of fresh ids: with every fifth and every seventh, about one run in eight had nobody to skip.
    for (let i = 0; i < CUSTOMERS; i++) {
      await bench.customer(`c${i}`, {
        firstName: `C${i}`,
        tags: ['winback'],
        consent: { email: i % 2 === 0, sms: true, push: true },
        ...(i % 2 === 0 ? { phone: null } : {}),
      });
    }
    await bench.customer('not-tagged');
    await createSegment(db, 'test', {
      id: 'winback',
      name: 'Win-back list',
      definition: { kind: 'tag', tag: 'winback', has: true },
    });
    const [row] = await db
      .insert(journeys)
      .values({
        workspaceId: 'test',
        name: 'Win-back',
        draftGraph: graph as unknown as Record<string, unknown>,
        draftSettings: { holdoutPercent: 20, launch: { entryCap: ENTRY_CAP } },
      })
      .returning({ id: journeys.id });
    journeyId = row!.id;
  });

  afterAll(async () => {
    await bench?.close();
  });

  it('says who enters, by holdout and arm, and the first touch per channel; the sweep then does exactly that', async () => {
    const db = bench.database.db;
    const app = createBenchApp(bench);
    const rowsBefore = await db.select({ n: sql<number>`count(*)::int` }).from(messages);

    const answered = await request(app).get(`/api/journeys/${journeyId}/draft/launch-estimate`);
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    const estimate = answered.body as {
      audience: { matching: number; eligible: number; segmentName: string };
      enterNow: number;
      limitedBy: string | null;
      holdout: number;
      treatment: number;
      arms: { stepId: string; arm: string; customers: number }[];
      messages: { channel: string; send: number; skipped: number; reasons: Record<string, number> }[];
      sample: unknown;
    };
    expect(estimate.audience).toMatchObject({
      matching: CUSTOMERS,
      eligible: CUSTOMERS,
      segmentName: 'Win-back list',
    });
    expect(estimate).toMatchObject({ enterNow: ENTRY_CAP, limitedBy: 'entry_cap', sample: null });
    expect(estimate.holdout + estimate.treatment).toBe(ENTRY_CAP);
    expect(estimate.holdout).toBeGreaterThan(0);
    // The estimate wrote nothing.
    expect(await db.select({ n: sql<number>`count(*)::int` }).from(messages)).toEqual(rowsBefore);
    expect(await db.select().from(runs)).toEqual([]);

    // Publish, and the first sweep with the production run starter.
    expect((await request(app).post(`/api/journeys/${journeyId}/publish`).send({})).status).toBe(201);
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
      { workspaceId: 'test', journeyId, sweepKey: 'first' },
    );
    expect(progress.started).toBe(estimate.enterNow);

    // Every run's first touch: one message row per run (a holdout run's send is recorded as skipped), each final. A
    // row is written before its send, so counting rows alone could stop the worker with a send still under way.
    await bench.withWorker(async () => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const [row] = await db
          .select({ n: sql<number>`count(*)::int` })
          .from(messages)
          .where(and(eq(messages.journeyId, journeyId), ne(messages.status, 'pending')));
        if (row!.n >= ENTRY_CAP) break;
        if (Date.now() > deadline)
          throw new Error(`only ${row!.n} first-touch messages final after a minute`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    });

    const entered = await db
      .select({ holdout: runs.holdout })
      .from(runs)
      .where(eq(runs.journeyId, journeyId));
    expect(entered).toHaveLength(estimate.enterNow);
    expect(entered.filter((r) => r.holdout)).toHaveLength(estimate.holdout);

    // The arm a run took is the split step's outcome.
    const arms = await db
      .select({ arm: runSteps.outcome, n: sql<number>`count(*)::int` })
      .from(runSteps)
      .innerJoin(runs, eq(runs.id, runSteps.runId))
      .where(and(eq(runs.journeyId, journeyId), eq(runSteps.nodeId, 'ab')))
      .groupBy(runSteps.outcome);
    expect(Object.fromEntries(arms.map((a) => [a.arm, a.n]))).toEqual(
      Object.fromEntries(estimate.arms.map((a) => [a.arm, a.customers])),
    );

    const sent = await db
      .select({ channel: messages.channel, status: messages.status, reason: messages.reason })
      .from(messages)
      .where(eq(messages.journeyId, journeyId));
    for (const channel of ['email', 'sms']) {
      const rows = sent.filter((m) => m.channel === channel);
      const expected = estimate.messages.find((m) => m.channel === channel);
      expect(expected, channel).toBeDefined();
      expect(rows.filter((m) => m.status === 'sent').length, `${channel} sent`).toBe(expected!.send);
      expect(rows.filter((m) => m.status === 'skipped').length, `${channel} skipped`).toBe(expected!.skipped);
      const reasons: Record<string, number> = {};
      for (const m of rows)
        if (m.status !== 'sent') reasons[m.reason ?? m.status] = (reasons[m.reason ?? m.status] ?? 0) + 1;
      expect(reasons, `${channel} reasons`).toEqual(expected!.reasons);
    }
    // Both rules were seen at work, so the comparison above covered them.
    const reasonsSeen = new Set(sent.map((m) => m.reason));
    for (const reason of ['unsubscribed', 'no_recipient', 'holdout'])
      expect(reasonsSeen.has(reason), reason).toBe(true);

    // Estimated again now: those in a run are not eligible, and the cap is used up.
    const again = (await request(app).get(`/api/journeys/${journeyId}/draft/launch-estimate`)).body as {
      audience: { eligible: number; alreadyInJourney: number };
      enterNow: number;
      limitedBy: string | null;
    };
    expect(again).toMatchObject({
      audience: { eligible: CUSTOMERS - ENTRY_CAP, alreadyInJourney: ENTRY_CAP },
      enterNow: 0,
      limitedBy: 'entry_cap',
    });
  });

  it('prices the first touch at the unit cost of the provider each channel sends through', async () => {
    const db = bench.database.db;
    const app = createBenchApp(bench);
    await createProvider(db, deriveSecretKeys('0'.repeat(64)), 'test', {
      id: 'sms-gateway',
      channel: 'sms',
      kind: 'http',
      settings: { url: 'https://sms.example.com/send', timeoutMs: 5_000 },
      unitCostMicros: 7_500,
    });
    // Quiet hours for SMS around the present moment (the customers' zone is UTC): every SMS is held, and priced.
    const hhmm = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString().slice(11, 16);
    await saveChannelSettings(db, 'test', {
      quietHours: { enabled: true, start: hhmm(-3_600_000), end: hhmm(3_600_000), channels: ['sms'] },
      frequencyCap: { enabled: false },
    });
    const [draft] = await db
      .insert(journeys)
      .values({
        workspaceId: 'test',
        name: 'Win-back, no cap',
        draftGraph: graph as unknown as Record<string, unknown>,
        draftSettings: { holdoutPercent: 20 },
      })
      .returning({ id: journeys.id });
    const estimate = (await request(app).get(`/api/journeys/${draft!.id}/draft/launch-estimate`)).body as {
      enterNow: number;
      limitedBy: string | null;
      messages: {
        channel: string;
        send: number;
        held: number;
        reasons: Record<string, number>;
        unitCostMicros: number;
        costMicros: number;
      }[];
      costMicros: number;
    };
    expect(estimate).toMatchObject({ enterNow: CUSTOMERS, limitedBy: null });
    const sms = estimate.messages.find((m) => m.channel === 'sms')!;
    const email = estimate.messages.find((m) => m.channel === 'email')!;
    expect(sms).toMatchObject({ send: 0, unitCostMicros: 7_500, costMicros: sms.held * 7_500 });
    expect(sms.held).toBeGreaterThan(0);
    expect(sms.reasons.quiet_hours).toBe(sms.held);
    // Email goes out now through the development log, which costs nothing.
    expect(email.send).toBeGreaterThan(0);
    expect(email).toMatchObject({ unitCostMicros: 0, costMicros: 0 });
    expect(estimate.costMicros).toBe(sms.costMicros);
  });

  it('answers 404 for a journey that does not exist and 422 naming the problems of a draft that cannot go live', async () => {
    const app = createBenchApp(bench);
    const missing = await request(app).get(
      '/api/journeys/00000000-0000-4000-8000-000000000000/draft/launch-estimate',
    );
    expect(missing.status).toBe(404);
    const db = bench.database.db;
    const [broken] = await db
      .insert(journeys)
      .values({
        workspaceId: 'test',
        name: 'Broken',
        draftGraph: {
          nodes: [{ id: 't', type: 'audience_trigger', config: { segmentId: 'nope' } }],
          edges: [],
        },
        draftSettings: {},
      })
      .returning({ id: journeys.id });
    const refused = await request(app).get(`/api/journeys/${broken!.id}/draft/launch-estimate`);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('journey_invalid');
    expect(JSON.stringify(refused.body.error.problems)).toContain('nope');
  });
});
