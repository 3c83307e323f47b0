/**
 * CSV formula injection end to end: an ingest key plants a formula in a customer's external id, the customer runs
 * through a journey, and the runs export built from the API's answer (the Runs page's "Export CSV", the shared
 * writer) carries the cell neutralised — text in the spreadsheet, not a formula.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runsToCsv, type RunExportRow } from '@wakeflow/journey';
import { createJourneyBench, type JourneyBench } from '@wakeflow/testing';
import type { createApp } from '../src/app';
import { createBenchApp } from './support/bench-app';

const PLANTED = '=HYPERLINK("http://evil.example","x")';

describe('CSV exports', () => {
  let bench: JourneyBench;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    bench = await createJourneyBench();
    app = createBenchApp(bench);
  });
  afterAll(async () => {
    await bench?.close();
  });

  it('neutralise a formula planted in an external id through the ingest API', async () => {
    const key = await request(app).post('/api/api-keys').send({ name: 'Shop', scope: 'ingest' });
    expect(key.status).toBe(201);
    const ingested = await request(app)
      .put(`/api/customers/${encodeURIComponent(PLANTED)}`)
      .set('Authorization', `Bearer ${key.body.key as string}`)
      .send({ email: 'planted@example.com' });
    expect(ingested.status).toBe(200);

    const created = await request(app)
      .post('/api/journeys')
      .send({
        name: 'Entered by API',
        graph: {
          nodes: [
            { id: 't', type: 'api_trigger', config: {} },
            { id: 'x', type: 'exit', config: { outcome: 'done' } },
          ],
          edges: [{ source: 't', target: 'x' }],
        },
      });
    const journeyId: string = created.body.id;
    expect((await request(app).post(`/api/journeys/${journeyId}/publish`).send({})).status).toBe(201);
    const started = await request(app)
      .post(`/api/journeys/${journeyId}/runs`)
      .send({ customerExternalId: PLANTED });
    expect(started.status).toBe(201);
    const worker = await bench.newWorker();
    await worker.runUntil(bench.env.client.workflow.getHandle(started.body.workflowId).result());

    const listed = await request(app).get('/api/runs').query({ journeyId });
    expect(listed.status).toBe(200);
    const runs: Omit<RunExportRow, 'journeyName'>[] = listed.body.runs;
    // The API answers data as stored: JSON is not interpreted by spreadsheets.
    expect(runs.map((r) => r.customerExternalId)).toEqual([PLANTED]);
    const csv = runsToCsv(runs.map((r) => ({ ...r, journeyName: 'Entered by API' })));
    const [header, line] = csv.split('\r\n');
    expect(header!.split(',')[1]).toBe('customer');
    expect(line).toContain(`,"'=HYPERLINK(""http://evil.example"",""x"")",`);
    expect(csv).not.toMatch(/(^|,)"?=HYPERLINK/m);
  });
});
