/**
 * How runs that ended without an exit show in the API: the journey's stats count them apart from exits and not as
 * running, and the runs list filters by every status and carries the reason.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runs } from '@wakeflow/db';
import type { RunStatus } from '@wakeflow/journey';
import { createJourneyBench, type JourneyBench } from '@wakeflow/testing';
import type { createApp } from '../src/app';
import { createBenchApp } from './support/bench-app';

describe('run statuses in the API', () => {
  let bench: JourneyBench;
  let app: ReturnType<typeof createApp>;
  let journeyId: string;

  beforeAll(async () => {
    bench = await createJourneyBench();
    app = createBenchApp(bench);
    ({ journeyId } = await bench.publish({
      nodes: [
        { id: 't', type: 'api_trigger', config: {} },
        { id: 'x', type: 'exit', config: { outcome: 'done' } },
      ],
      edges: [{ source: 't', target: 'x' }],
    }));
    const started = new Date('2026-05-01T10:00:00Z');
    const ended = new Date('2026-05-02T10:00:00Z');
    const rows: { status: RunStatus; outcome?: string; endedReason?: string }[] = [
      { status: 'running' },
      { status: 'completed', outcome: 'done' },
      { status: 'failed', endedReason: 'This worker has no node kind “gone”' },
      { status: 'terminated', endedReason: 'The workflow was terminated in Temporal' },
    ];
    for (const [i, row] of rows.entries()) {
      const customerId = await bench.customer(`status-${i}`);
      await bench.database.db.insert(runs).values({
        workspaceId: 'test',
        workflowId: `journey/test/${journeyId}/v1/${customerId}/1`,
        journeyId,
        version: 1,
        customerId,
        entry: 1,
        startedAt: started,
        status: row.status,
        outcome: row.outcome ?? null,
        endedReason: row.endedReason ?? null,
        endedAt: row.status === 'running' ? null : ended,
      });
    }
  });
  afterAll(async () => {
    await bench?.close();
  });

  it('counts ended runs apart from exits, and only open runs as running', async () => {
    const stats = await request(app).get(`/api/journeys/${journeyId}/stats`).query({ version: 1 });
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({
      running: 1,
      exits: { done: 1 },
      ended: { failed: 1, terminated: 1 },
    });
  });

  it('filters the runs list by the new statuses and shows the reason', async () => {
    const list = await request(app).get('/api/runs').query({ journeyId, status: 'terminated' });
    expect(list.status).toBe(200);
    expect(list.body.runs).toEqual([
      expect.objectContaining({
        status: 'terminated',
        endedReason: 'The workflow was terminated in Temporal',
      }),
    ]);
    const bad = await request(app).get('/api/runs').query({ status: 'lost' });
    expect(bad.status).toBe(400);
  });
});
