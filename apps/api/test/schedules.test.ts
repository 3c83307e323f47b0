/**
 * Publishing an audience-triggered journey schedules its sweep on Temporal (the real dev server: the time-skipping
 * test server has no schedules); publishing a version with another trigger removes the schedule.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audienceScheduleId } from '@wakeflow/audience';
import { segments } from '@wakeflow/db';
import { createJourneyBench, type JourneyBench } from '@wakeflow/testing';
import type { createApp } from '../src/app';
import { createBenchApp } from './support/bench-app';
import { syncJourneySchedule } from '../src/journeys/schedules';

describe('journey schedules', () => {
  let bench: JourneyBench;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    bench = await createJourneyBench({ timeSkipping: false });
    const client = bench.env.client;
    app = createBenchApp(bench, {
      schedules: { sync: async (input) => void (await syncJourneySchedule(client, input)) },
    });
    await bench.database.db.insert(segments).values({
      workspaceId: 'test',
      id: 'dormant',
      name: 'Dormant',
      definition: { kind: 'tag', tag: 'dormant', has: true },
    });
  });
  afterAll(async () => {
    await bench?.close();
  });

  it('creates the sweep schedule on publish with the trigger’s interval, and removes it when the trigger changes', async () => {
    const graph = (trigger: { type: string; config: Record<string, unknown> }) => ({
      nodes: [
        { id: 't', ...trigger },
        { id: 'x', type: 'exit', config: { outcome: 'done' } },
      ],
      edges: [{ source: 't', target: 'x' }],
    });
    const created = await request(app)
      .post('/api/journeys')
      .send({
        name: 'Sweep me',
        graph: graph({ type: 'audience_trigger', config: { segmentId: 'dormant', everyMinutes: 30 } }),
      });
    const id: string = created.body.id;
    expect((await request(app).post(`/api/journeys/${id}/publish`).send({})).status).toBe(201);

    const handle = bench.env.client.schedule.getHandle(audienceScheduleId('test', id));
    const described = await handle.describe();
    expect(described.spec.intervals?.[0]?.every).toBe(30 * 60_000);
    expect(described.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'audienceSweep',
      taskQueue: 'wakeflow-test',
    });

    const saved = await request(app)
      .put(`/api/journeys/${id}/draft`)
      .send({
        graph: graph({ type: 'api_trigger', config: {} }),
        settings: {},
        revision: created.body.draft.revision,
      });
    expect(saved.status).toBe(200);
    expect((await request(app).post(`/api/journeys/${id}/publish`).send({})).status).toBe(201);
    await expect(handle.describe()).rejects.toThrow();
  });
});
