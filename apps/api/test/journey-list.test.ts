/**
 * The journey list's figures and tags (issue 16 item 6), on PostgreSQL: each journey answers its tags, the customers
 * who entered to date (every version) and the share of those outside the holdout who converted, from the analytics
 * rollups the runs and conversions feed; tags are changed by PATCH (audited, field errors named) and a duplicate
 * keeps them.
 */
import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, conversions, events, runs } from '@wakeflow/db';
import type { JourneyGraphInput } from '@wakeflow/journey';
import { createJourneyBench, type JourneyBench } from '@wakeflow/testing';
import { createBenchApp } from './support/bench-app';

const graph: JourneyGraphInput = {
  nodes: [
    { id: 't', type: 'api_trigger', config: {} },
    { id: 'x', type: 'exit', config: { outcome: 'done' } },
  ],
  edges: [{ source: 't', target: 'x' }],
};

describe('the journey list', () => {
  let bench: JourneyBench;

  beforeAll(async () => {
    bench = await createJourneyBench();
  });
  afterAll(async () => {
    await bench?.close();
  });

  it('answers tags, entered and reactivated to date; PATCH changes tags (audited); a duplicate keeps them', async () => {
    const app = createBenchApp(bench);
    const db = bench.database.db;
    const { journeyId } = await bench.publish(graph, {});
    const bad = await request(app)
      .patch(`/api/journeys/${journeyId}`)
      .send({ tags: ['win-back', ' '] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0]).toMatchObject({ path: 'body.tags.1', message: 'A tag cannot be empty' });
    const tagged = await request(app)
      .patch(`/api/journeys/${journeyId}`)
      .send({ tags: ['win-back', 'Q4', 'win-back'] });
    expect(tagged.status).toBe(200);
    expect(tagged.body.tags).toEqual(['win-back', 'Q4']);
    const [audit] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, journeyId), eq(auditLog.action, 'journey.changed')));
    expect(audit?.after).toMatchObject({ tags: ['win-back', 'Q4'] });

    // Five runs: four treated, of whom one converted; one in the holdout, converted too (not counted).
    const runIds: string[] = [];
    for (let i = 0; i < 5; i++) {
      const customerId = await bench.customer(`list-${i}`);
      const id = randomUUID();
      runIds.push(id);
      await db.insert(runs).values({
        id,
        workspaceId: 'test',
        workflowId: `list-run-${i}`,
        journeyId,
        version: 1,
        customerId,
        entry: 1,
        holdout: i === 4,
        startedAt: new Date(),
      });
    }
    for (const [i, runId] of [runIds[0]!, runIds[4]!].entries()) {
      const [event] = await db
        .insert(events)
        .values({
          workspaceId: 'test',
          eventId: `list-login-${i}`,
          customerExternalId: `list-${i === 0 ? 0 : 4}`,
          name: 'login',
          occurredAt: new Date(),
        })
        .returning({ id: events.id });
      await db
        .insert(conversions)
        .values({ workspaceId: 'test', runId, eventId: event!.id, convertedAt: new Date() });
    }

    const list = await request(app).get('/api/journeys');
    expect(list.status).toBe(200);
    const row = list.body.journeys.find((j: { id: string }) => j.id === journeyId);
    expect(row).toMatchObject({
      tags: ['win-back', 'Q4'],
      entered: 5,
      reactivationRate: 0.25,
      liveVersion: 1,
    });

    const copy = await request(app).post(`/api/journeys/${journeyId}/duplicate`).send({});
    expect(copy.status).toBe(201);
    expect(copy.body.tags).toEqual(['win-back', 'Q4']);
    const copied = (await request(app).get('/api/journeys')).body.journeys.find(
      (j: { id: string }) => j.id === copy.body.id,
    );
    expect(copied).toMatchObject({ entered: 0, reactivationRate: null });
  });
});
