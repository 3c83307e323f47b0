/**
 * Bad measurement definitions are refused with clear errors (issue 8 item 8): a conversion window of 0, an event
 * the workspace never received, a holdout of 100% or more. Through the HTTP API on a fresh PostgreSQL database: the
 * draft saves whatever was typed (issue 17: a half-filled form never blocks saving), the editor's validate reports
 * every one of them before publish, the publish refuses them, `POST /api/analytics/measurement/check` answers the
 * editor, and nothing is published.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { journeys, journeyVersions } from '@wakeflow/db';
import { createJourneyBench, type JourneyBench } from '@wakeflow/testing';
import type { createApp } from '../src/app';
import { createBenchApp } from './support/bench-app';

const graph = {
  nodes: [
    { id: 't', type: 'api_trigger', config: {} },
    { id: 'x', type: 'exit', config: { outcome: 'done' } },
  ],
  edges: [{ source: 't', target: 'x' }],
};
const week = { amount: 7, unit: 'days' };

describe('measurement definitions checked at publish', () => {
  let bench: JourneyBench;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    bench = await createJourneyBench();
    app = createBenchApp(bench);
  });
  afterAll(async () => {
    await bench?.close();
  });

  async function journeyWithDraft(
    settings: Record<string, unknown>,
  ): Promise<{ id: string; revision: number }> {
    const created = await request(app).post('/api/journeys').send({ name: 'Win back' });
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    const saved = await request(app)
      .put(`/api/journeys/${id}/draft`)
      .send({ graph, settings, revision: created.body.draft.revision });
    expect(saved.status).toBe(200);
    return { id, revision: saved.body.revision };
  }

  /** A draft as it might have been stored before the settings were checked on save. */
  async function storedDraft(settings: Record<string, unknown>): Promise<string> {
    const { id } = await journeyWithDraft({});
    await bench.database.db.update(journeys).set({ draftSettings: settings }).where(eq(journeys.id, id));
    return id;
  }

  /** What the editor's problems panel shows for the stored draft. */
  async function draftProblems(id: string) {
    const res = await request(app).post(`/api/journeys/${id}/validate`).send({});
    expect(res.status).toBe(200);
    return res.body.problems as { code: string; path: string; message: string }[];
  }

  async function refusedPublish(id: string) {
    const res = await request(app).post(`/api/journeys/${id}/publish`).send({});
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('journey_invalid');
    expect(
      await bench.database.db.select().from(journeyVersions).where(eq(journeyVersions.journeyId, id)),
    ).toEqual([]);
    return res.body.error as { message: string; problems: { code: string; path: string; message: string }[] };
  }

  it('a conversion window of 0 is saved, reported by validate, refused at publish and by the check', async () => {
    const bad = { conversion: { events: ['purchase'], window: { amount: 0, unit: 'days' } } };
    const { id } = await journeyWithDraft(bad);
    expect(await draftProblems(id)).toEqual([
      { code: 'invalid_settings', path: 'settings.conversion.window.amount', message: 'Must be more than 0' },
    ]);

    const error = await refusedPublish(await storedDraft(bad));
    expect(error.problems).toEqual([
      { code: 'invalid_settings', path: 'settings.conversion.window.amount', message: 'Must be more than 0' },
    ]);
    expect(error.message).toContain('Must be more than 0');

    const checked = await request(app).post('/api/analytics/measurement/check').send({ settings: bad });
    expect(checked.status).toBe(422);
    expect(checked.body.error).toMatchObject({ code: 'measurement_invalid', message: 'Must be more than 0' });
    expect(checked.body.error.problems).toEqual([
      { code: 'invalid_settings', path: 'settings.conversion.window.amount', message: 'Must be more than 0' },
    ]);
  });

  it('a holdout of 100% or more is saved, reported by validate, refused at publish and by the check', async () => {
    for (const holdoutPercent of [100, 150]) {
      const bad = { holdoutPercent, conversion: { events: ['purchase'], window: week } };
      const { id } = await journeyWithDraft(bad);
      expect((await draftProblems(id)).map((p) => p.path)).toEqual(['settings.holdoutPercent']);

      const error = await refusedPublish(await storedDraft(bad));
      expect(error.problems).toEqual([
        {
          code: 'invalid_settings',
          path: 'settings.holdoutPercent',
          message: 'Must be below 100: a journey needs somebody to message',
        },
      ]);

      const checked = await request(app).post('/api/analytics/measurement/check').send({ settings: bad });
      expect(checked.status).toBe(422);
      expect(checked.body.error.problems.map((p: { path: string }) => p.path)).toEqual([
        'settings.holdoutPercent',
      ]);
    }
  });

  it('an event the workspace never received is reported before publish and refused at publish (the draft keeps it, so it can be fixed)', async () => {
    const bad = { holdoutPercent: 10, conversion: { events: ['purchase', 'purchse'], window: week } };
    const { id } = await journeyWithDraft(bad);
    // The problems panel says so while the manager edits, not only the publish.
    expect(await draftProblems(id)).toEqual([
      {
        code: 'invalid_settings',
        path: 'settings.conversion.events.1',
        message: 'No event “purchse” has been received in this workspace; check the name or send one first',
      },
    ]);
    const error = await refusedPublish(id);
    expect(error.problems).toEqual([
      {
        code: 'invalid_settings',
        path: 'settings.conversion.events.1',
        message: 'No event “purchse” has been received in this workspace; check the name or send one first',
      },
    ]);
    expect(error.message).toContain('purchse');
    const checked = await request(app).post('/api/analytics/measurement/check').send({ settings: bad });
    expect(checked.status).toBe(422);
    expect(checked.body.error.problems).toEqual(error.problems);

    // Once the workspace has received the event, the same name is accepted.
    const ingested = await request(app)
      .post('/api/events/batch')
      .send({
        events: [
          {
            eventId: 'e-1',
            customerExternalId: 'c-1',
            name: 'purchse',
            occurredAt: new Date().toISOString(),
            properties: {},
          },
        ],
      });
    expect(ingested.status).toBeLessThan(300);
    // Event names are learned by the event's follow-up work, which the outbox drains just after the answer.
    await expect
      .poll(
        async () =>
          (await request(app).post('/api/analytics/measurement/check').send({ settings: bad })).body,
      )
      .toEqual({ problems: [] });
  });

  it('a good definition publishes', async () => {
    const { id, revision } = await journeyWithDraft({
      holdoutPercent: 99,
      conversion: { events: ['login', 'purchase'], window: week, from: 'first_message' },
    });
    const published = await request(app).post(`/api/journeys/${id}/publish`).send({ revision });
    expect(published.status).toBe(201);
    expect(published.body).toMatchObject({ version: 1 });
  });

  it('a conversion just added, its event not typed yet, saves and is reported, not refused', async () => {
    const halfTyped = { conversion: { events: [''], window: week, from: 'entry' } };
    const { id } = await journeyWithDraft(halfTyped);
    const stored = await request(app).get(`/api/journeys/${id}`);
    expect(stored.body.draft.settings).toEqual(halfTyped);
    expect(await draftProblems(id)).toEqual([
      expect.objectContaining({ code: 'invalid_settings', path: 'settings.conversion.events.0' }),
    ]);
  });
});
