/**
 * Operating a live journey through the API, on PostgreSQL and Temporal's time-skipping server (one run at a time:
 * that server mishandles several concurrent runs with timers). Pause holds a run before its send and resume sends
 * it; stop ends a waiting run `stopped` with nothing sent; support takes one customer out; archive hides the journey
 * but keeps its runs; every change is audited; publishing an unchanged draft is refused. With
 * WAKEFLOW_RECORD_HISTORIES=1 the runs' histories are recorded for the replay gate in workflows/.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, templates } from '@wakeflow/db';
import { RUN_STATE_QUERY, type JourneyGraphInput, type RunState } from '@wakeflow/journey';
import { PAUSE_HOLD_MS } from '@wakeflow/temporal';
import { createJourneyBench, eventually, recordHistoryIfAsked, type JourneyBench } from '@wakeflow/testing';
import type { createApp } from '../src/app';
import { createBenchApp } from './support/bench-app';

const DAY = 24 * 3_600_000;

/** A day's delay, then an SMS, then an exit. */
const delayThenSend: JourneyGraphInput = {
  nodes: [
    { id: 't', type: 'api_trigger', config: {} },
    { id: 'd', type: 'delay', config: { mode: 'duration', duration: { amount: 1, unit: 'days' } } },
    { id: 'mail', type: 'send', config: { channel: 'sms', templateId: 'hello-sms' } },
    { id: 'x', type: 'exit', config: { outcome: 'done' } },
  ],
  edges: [
    { source: 't', target: 'd' },
    { source: 'd', target: 'mail' },
    { source: 'mail', target: 'x' },
  ],
};

/** Waits a week for a login; without one, an SMS. */
const waitThenSend: JourneyGraphInput = {
  nodes: [
    { id: 't', type: 'api_trigger', config: {} },
    {
      id: 'w',
      type: 'wait_for_event',
      config: { events: [{ event: 'login', outcome: 'back' }], timeout: { amount: 7, unit: 'days' } },
    },
    { id: 'mail', type: 'send', config: { channel: 'sms', templateId: 'hello-sms' } },
    { id: 'back', type: 'exit', config: { outcome: 'reactivated' } },
    { id: 'x', type: 'exit', config: { outcome: 'done' } },
  ],
  edges: [
    { source: 't', target: 'w' },
    { source: 'w', outcome: 'back', target: 'back' },
    { source: 'w', outcome: 'timeout', target: 'mail' },
    { source: 'mail', target: 'x' },
  ],
};

describe('journey lifecycle through the API', () => {
  let bench: JourneyBench;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    bench = await createJourneyBench();
    await bench.relaxSendingRules();
    await bench.database.db.insert(templates).values({
      workspaceId: 'test',
      id: 'hello-sms',
      channel: 'sms',
      name: 'Hello',
      body: 'Hello {{ customer.first_name }}',
    });
    app = createBenchApp(bench);
  });
  afterAll(async () => {
    await bench?.close();
  });

  async function enter(journeyId: string, customer: string) {
    const customerId = await bench.customer(customer);
    const res = await request(app)
      .post(`/api/journeys/${journeyId}/runs`)
      .send({ customerExternalId: customer });
    expect(res.status).toBe(201);
    return { customerId, workflowId: res.body.workflowId as string, runId: res.body.runId as string };
  }

  function state(workflowId: string) {
    return bench.env.client.workflow
      .getHandle(workflowId)
      .query<RunState>(RUN_STATE_QUERY)
      .catch(() => undefined);
  }

  /** The run once it is at `stepId` and sleeping (a delay, or a hold). */
  function sleepingAt(workflowId: string, stepId: string) {
    return eventually(
      async () => {
        const s = await state(workflowId);
        return s?.currentStepId === stepId && s.waitingFor?.kind === 'sleep' ? s : undefined;
      },
      { what: `run ${workflowId} asleep at ${stepId}` },
    );
  }

  const lifecycle = (journeyId: string, action: string) =>
    request(app).post(`/api/journeys/${journeyId}/lifecycle`).send({ action });

  async function auditActions(entityId: string): Promise<string[]> {
    const rows = await bench.database.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, 'test'), eq(auditLog.entityId, entityId)));
    return rows.map((r) => r.action);
  }

  it('pause holds a run before its send, keeps new customers out, and resume sends it', async () => {
    const { journeyId } = await bench.publish(delayThenSend);
    const run = await enter(journeyId, 'paused-one');
    const result = await bench.withWorker(async () => {
      await sleepingAt(run.workflowId, 'd');
      const paused = await lifecycle(journeyId, 'pause');
      expect(paused.status).toBe(200);
      expect(paused.body).toMatchObject({ status: 'paused', lifecycle: 'paused' });

      // The day passes: the run reaches its send and holds there, durably, instead of sending.
      await bench.env.sleep(DAY + 60_000);
      const held = await sleepingAt(run.workflowId, 'mail');
      expect(await bench.messagesOf(run.customerId)).toEqual([]);
      // Held for the full 15 minutes of the run's own clock (the delay fired a minute ago), not re-asked every second.
      const enteredAt = Date.parse((await bench.runOf(run.workflowId))?.startedAt?.toISOString() ?? '');
      expect(Date.parse(held.waitingFor?.until ?? '') - (enteredAt + DAY)).toBeGreaterThanOrEqual(
        PAUSE_HOLD_MS,
      );

      // Nobody enters a paused journey.
      await bench.customer('paused-late');
      const late = await request(app)
        .post(`/api/journeys/${journeyId}/runs`)
        .send({ customerExternalId: 'paused-late' });
      expect([late.status, late.body.error?.message]).toEqual([
        409,
        'The journey is paused: nobody enters until it resumes',
      ]);

      const resumed = await lifecycle(journeyId, 'resume');
      expect(resumed.status).toBe(200);
      expect(resumed.body).toMatchObject({ status: 'live', runsSignalled: 1 });
      return (await bench.env.client.workflow.getHandle(run.workflowId).result()) as { outcome: string };
    });
    await recordHistoryIfAsked(bench.env.client, run.workflowId, 'journey-control-pause-resume');
    expect(result.outcome).toBe('done');
    const sent = await bench.messagesOf(run.customerId);
    expect(sent.map((m) => m.nodeId)).toEqual(['mail']);
    expect(await auditActions(journeyId)).toEqual(
      expect.arrayContaining(['journey.paused', 'journey.resumed']),
    );
  });

  it('stop ends a waiting run as stopped, with nothing sent', async () => {
    const { journeyId } = await bench.publish(waitThenSend);
    const run = await enter(journeyId, 'stopped-one');
    const result = await bench.withWorker(async () => {
      await eventually(async () =>
        (await state(run.workflowId))?.waitingFor?.kind === 'event' ? true : undefined,
      );
      const stopped = await lifecycle(journeyId, 'stop');
      expect(stopped.status).toBe(200);
      expect(stopped.body).toMatchObject({ status: 'stopped', runsSignalled: 1 });
      return (await bench.env.client.workflow.getHandle(run.workflowId).result()) as { outcome: string };
    });
    await recordHistoryIfAsked(bench.env.client, run.workflowId, 'journey-control-stop-waiting');
    expect(result.outcome).toBe('stopped');
    const row = await bench.runOf(run.workflowId);
    expect([row?.status, row?.outcome]).toEqual(['completed', 'stopped']);
    expect(await bench.messagesOf(run.customerId)).toEqual([]);
    // A stopped journey cannot be paused; it can be archived.
    const refused = await lifecycle(journeyId, 'pause');
    expect([refused.status, refused.body.error?.code]).toEqual([409, 'lifecycle_conflict']);
    expect(await auditActions(journeyId)).toContain('journey.stopped');
  });

  it('takes one customer out of a run on request, audited', async () => {
    const { journeyId } = await bench.publish(delayThenSend);
    const run = await enter(journeyId, 'removed-one');
    const result = await bench.withWorker(async () => {
      await sleepingAt(run.workflowId, 'd');
      const removed = await request(app)
        .post(`/api/runs/${run.runId}/remove`)
        .send({ reason: 'asked support to stop' });
      expect(removed.status).toBe(202);
      return (await bench.env.client.workflow.getHandle(run.workflowId).result()) as { outcome: string };
    });
    expect(result.outcome).toBe('removed');
    expect(await bench.messagesOf(run.customerId)).toEqual([]);
    expect(await auditActions(run.runId)).toEqual(['run.removed']);
    const again = await request(app).post(`/api/runs/${run.runId}/remove`).send({});
    expect([again.status, again.body.error?.code]).toEqual([409, 'run_not_running']);
  });

  it('archives a journey out of the list, keeping its runs; duplicates one as a new draft', async () => {
    const { journeyId } = await bench.publish({
      nodes: [
        { id: 't', type: 'api_trigger', config: {} },
        { id: 'x', type: 'exit', config: { outcome: 'done' } },
      ],
      edges: [{ source: 't', target: 'x' }],
    });
    const run = await enter(journeyId, 'archived-one');
    await bench.withWorker(() => bench.env.client.workflow.getHandle(run.workflowId).result());

    const copy = await request(app).post(`/api/journeys/${journeyId}/duplicate`).send({});
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({ name: 'test journey (copy)', status: 'draft', liveVersion: null });
    expect(copy.body.draft.graph.nodes).toHaveLength(2);

    expect((await lifecycle(journeyId, 'archive')).status).toBe(200);
    const listed = await request(app).get('/api/journeys');
    const ids = (listed.body.journeys as { id: string }[]).map((j) => j.id);
    expect(ids).not.toContain(journeyId);
    expect(ids).toContain(copy.body.id);
    const archived = await request(app).get('/api/journeys').query({ archived: 'true' });
    expect(archived.body.journeys).toEqual([
      expect.objectContaining({ id: journeyId, status: 'archived', lifecycle: 'archived' }),
    ]);
    const runsLeft = await request(app).get('/api/runs').query({ journeyId });
    expect(runsLeft.body.runs).toHaveLength(1);
    expect(await auditActions(journeyId)).toContain('journey.archived');
    const bad = await lifecycle(journeyId, 'explode');
    expect([bad.status, bad.body.error?.issues?.[0]?.path]).toEqual([400, 'body.action']);
  });

  it('refuses to publish an unchanged draft, and shows a future start as scheduled', async () => {
    const { journeyId } = await bench.publish(delayThenSend);
    const again = await request(app).post(`/api/journeys/${journeyId}/publish`).send({});
    expect([again.status, again.body.error?.message]).toEqual([409, 'Nothing changed since version 1']);

    const start = new Date(Date.now() + DAY).toISOString();
    const { journeyId: later } = await bench.publish(delayThenSend, { launch: { startAt: start } });
    const detail = await request(app).get(`/api/journeys/${later}`);
    expect(detail.body).toMatchObject({ status: 'live', lifecycle: 'scheduled' });
    await bench.customer('too-early');
    const early = await request(app)
      .post(`/api/journeys/${later}/runs`)
      .send({ customerExternalId: 'too-early' });
    expect([early.status, early.body.reason]).toEqual([200, 'not_started']);
  });
});
