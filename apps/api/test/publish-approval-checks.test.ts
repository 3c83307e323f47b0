/**
 * Approving a publish request runs the same checks as the direct publish (issue 14 item 4): a request whose
 * template broke after it was made, or whose measurement settings name an event the workspace never received (a
 * request stored before that check), is refused with the very 422 the direct publish gives, and nothing goes live.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createPublishRequest } from '@wakeflow/auth';
import { journeyVersions, journeys, publishRequests, templates } from '@wakeflow/db';
import { createJourneyBench, type JourneyBench } from '@wakeflow/testing';
import type { createApp } from '../src/app';
import { createBenchApp } from './support/bench-app';

const graph = {
  nodes: [
    { id: 't', type: 'api_trigger', config: {} },
    { id: 'mail', type: 'send', config: { channel: 'email', templateId: 'welcome' } },
    { id: 'x', type: 'exit', config: { outcome: 'done' } },
  ],
  edges: [
    { source: 't', target: 'mail' },
    { source: 'mail', target: 'x' },
  ],
};

describe('approving a publish request checks like the direct publish', () => {
  let bench: JourneyBench;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    bench = await createJourneyBench();
    app = createBenchApp(bench);
    await bench.database.db.insert(templates).values({
      workspaceId: 'test',
      id: 'welcome',
      channel: 'email',
      name: 'Welcome',
      subject: 'Hi',
      body: 'Hello {{ customer.firstName }}',
    });
  });
  afterAll(async () => {
    await bench?.close();
  });

  async function journeyWith(name: string, settings: Record<string, unknown> = {}): Promise<string> {
    const created = await request(app).post('/api/journeys').send({ name, graph });
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    // Stored as it might have been before a check existed (the draft save checks the settings' shape).
    await bench.database.db.update(journeys).set({ draftSettings: settings }).where(eq(journeys.id, id));
    return id;
  }

  async function setApproval(required: boolean): Promise<void> {
    const set = await request(app).patch('/api/workspace').send({ requirePublishApproval: required });
    expect(set.status).toBe(200);
  }

  async function versionsOf(journeyId: string) {
    return bench.database.db.select().from(journeyVersions).where(eq(journeyVersions.journeyId, journeyId));
  }

  async function expectRefusedLikeDirect(requestId: string, journeyId: string, direct: request.Response) {
    expect(direct.status).toBe(422);
    expect(direct.body.error.code).toBe('journey_invalid');
    const approved = await request(app).post(`/api/approvals/${requestId}/approve`).send({ comment: 'ok' });
    expect(approved.status).toBe(422);
    expect(approved.body).toEqual(direct.body);
    expect(await versionsOf(journeyId)).toEqual([]);
    const [row] = await bench.database.db
      .select({ status: publishRequests.status })
      .from(publishRequests)
      .where(eq(publishRequests.id, requestId));
    expect(row?.status).toBe('pending');
    // The reviewer sees the same problems before deciding.
    const shown = await request(app).get(`/api/approvals/${requestId}`);
    expect(shown.body.validation).toEqual({ valid: false, problems: direct.body.error.problems });
  }

  it('refuses a request whose template broke after it was made', async () => {
    await setApproval(true);
    const journeyId = await journeyWith('Reviewed, then the template broke');
    const asked = await request(app).post(`/api/journeys/${journeyId}/publish`).send({});
    expect(asked.status).toBe(202);
    await setApproval(false);

    await bench.database.db
      .update(templates)
      .set({ body: 'Hello {{ customer.firstName ' })
      .where(eq(templates.id, 'welcome'));
    try {
      const direct = await request(app)
        .post(`/api/journeys/${await journeyWith('Published directly')}/publish`)
        .send({});
      expect(direct.body.error.problems).toEqual([
        expect.objectContaining({ code: 'invalid_config', nodeId: 'mail', path: 'config.templateId' }),
      ]);
      await expectRefusedLikeDirect(asked.body.approval.id, journeyId, direct);
    } finally {
      await bench.database.db
        .update(templates)
        .set({ body: 'Hello {{ customer.firstName }}' })
        .where(eq(templates.id, 'welcome'));
    }
  });

  it('refuses a request whose measurement settings name an event the workspace never received', async () => {
    const settings = {
      holdoutPercent: 10,
      conversion: { events: ['purchse'], window: { amount: 7, unit: 'days' } },
    };
    const journeyId = await journeyWith('Stored before the measurement check', settings);
    const { request: stored } = await createPublishRequest(bench.database.db, {
      workspaceId: 'test',
      journeyId,
      draftRevision: 1,
      graph,
      settings,
      baseVersion: null,
      requestedBy: 'local',
      comment: '',
    });
    const direct = await request(app)
      .post(`/api/journeys/${await journeyWith('Published directly', settings)}/publish`)
      .send({});
    expect(direct.body.error.problems).toEqual([
      expect.objectContaining({ code: 'invalid_settings', path: 'settings.conversion.events.0' }),
    ]);
    await expectRefusedLikeDirect(stored.id, journeyId, direct);
  });
});
