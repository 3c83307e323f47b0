/**
 * Launch controls that act on Temporal, in Chromium against the real API, PostgreSQL and a Temporal dev server
 * with a worker: the editor of a live audience journey shows its audience check (interval, last check and how many
 * entered, next check) and "Check now" runs another one; a running run's page takes the customer out of the
 * journey with a reason, the run ends removed and the reason is audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import type { Worker } from '@temporalio/worker';
import { audienceSweeps, auditLog, journeys, runs } from '@wakeflow/db';
import { TEST_WORKSPACE_ID } from '@wakeflow/db/testing';
// Neither the testing package nor the API exports an entry to the web app: imported from source, as the harness does.
import { createJourneyBench, type JourneyBench } from '../../../packages/testing/src/journey-bench';
import { temporalJourneyScheduler } from '../../api/src/journeys/schedules';
import { launchChromium, startEditorServer, type EditorServer } from './harness';

describe('launch controls on Temporal in Chromium', () => {
  let bench: JourneyBench;
  let worker: Worker;
  let working: Promise<void>;
  let server: EditorServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    // The dev server, not the time-skipping one: only it has schedules.
    bench = await createJourneyBench({ timeSkipping: false });
    await bench.relaxSendingRules();
    server = await startEditorServer({
      live: {
        database: bench.database,
        client: bench.env.client,
        starter: bench.starter,
        schedules: temporalJourneyScheduler(bench.env.client),
      },
    });
    worker = await bench.newWorker();
    working = worker.run();
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (worker) {
      worker.shutdown();
      await working;
    }
    await bench?.close();
  }, 60_000);

  /** A call to the API as the editor makes it (same Origin; local mode acts as the workspace admin). */
  async function api(path: string, body: unknown = {}): Promise<Response> {
    return fetch(`${server.url}/api${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify(body),
    });
  }

  const sweepsOf = (journeyId: string) =>
    bench.database.db
      .select({ status: audienceSweeps.status, started: audienceSweeps.started })
      .from(audienceSweeps)
      .where(eq(audienceSweeps.journeyId, journeyId));

  it('shows the audience check of a live audience journey, and checks again on "Check now"', async () => {
    for (const id of ['aud-1', 'aud-2', 'aud-3']) await bench.customer(id, { tags: ['dormant'] });
    const [row] = await bench.database.db
      .insert(journeys)
      .values({
        workspaceId: TEST_WORKSPACE_ID,
        name: 'Dormant sweep',
        draftGraph: {
          nodes: [
            { id: 't', type: 'audience_trigger', config: { segmentId: 'no-login-30d', everyMinutes: 60 } },
            { id: 'x', type: 'exit', config: { outcome: 'done' } },
          ],
          edges: [{ source: 't', target: 'x' }],
        },
      })
      .returning({ id: journeys.id });
    const journeyId = row!.id;
    // Publishing through the API creates the schedule and triggers the first check at once.
    expect((await api(`/journeys/${journeyId}/publish`)).status).toBe(201);
    await expect
      .poll(async () => (await sweepsOf(journeyId)).map((s) => [s.status, s.started]), { timeout: 60_000 })
      .toEqual([['completed', 3]]);

    await page.goto(`${server.url}/#/journeys/${journeyId}`);
    const strip = page.getByTestId('audience-check');
    await expect
      .poll(() => strip.textContent(), { timeout: 20_000 })
      .toMatch(/^Audience checked every 60 min · last .+: 3 entered · next .+Check now$/);

    // Someone joins the audience; the next check lets only them in (the others entered once already).
    await bench.customer('aud-4', { tags: ['dormant'] });
    await strip.getByRole('button', { name: 'Check now' }).click();
    await expect
      // After "Check now" the strip looks every 2 s until the check it asked for is recorded (it used to look once
      // after 1.5 s and then only a minute later, so a check that started late stayed unseen for a minute).
      .poll(() => strip.textContent(), { timeout: 30_000 })
      .toMatch(/^Audience checked every 60 min · last .+: 1 entered · next .+Check now$/);
    expect((await sweepsOf(journeyId)).map((s) => [s.status, s.started]).sort()).toEqual([
      ['completed', 1],
      ['completed', 3],
    ]);
    expect(pageErrors).toEqual([]);
  }, 180_000);

  it('takes a waiting customer out of the journey from the run page, with the reason audited', async () => {
    const { journeyId } = await bench.publish({
      nodes: [
        { id: 't', type: 'api_trigger', config: {} },
        {
          id: 'w',
          type: 'wait_for_event',
          config: { events: [{ event: 'login', outcome: 'back' }], timeout: { amount: 7, unit: 'days' } },
        },
        { id: 'back', type: 'exit', config: { outcome: 'reactivated' } },
        { id: 'x', type: 'exit', config: { outcome: 'done' } },
      ],
      edges: [
        { source: 't', target: 'w' },
        { source: 'w', outcome: 'back', target: 'back' },
        { source: 'w', outcome: 'timeout', target: 'x' },
      ],
    });
    await bench.customer('waiting-one');
    const entered = await api(`/journeys/${journeyId}/runs`, { customerExternalId: 'waiting-one' });
    expect(entered.status).toBe(201);
    const { runId } = (await entered.json()) as { runId: string };
    const runRow = async () => (await bench.database.db.select().from(runs).where(eq(runs.id, runId)))[0];

    await page.goto(`${server.url}/#/runs/${runId}`);
    const status = page.getByTestId('run-status');
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toBe('Running');

    page.once('dialog', (dialog) => void dialog.accept('Asked support to stop the emails'));
    await page.getByRole('button', { name: 'Remove from journey' }).click();
    await expect.poll(() => status.textContent(), { timeout: 60_000 }).not.toBe('Running');
    await expect.poll(() => page.locator('.exit-chip').textContent()).toBe('Removed');
    expect(await page.getByRole('button', { name: 'Remove from journey' }).count()).toBe(0);
    const ended = await runRow();
    expect([ended?.status, ended?.outcome]).toEqual(['completed', 'removed']);

    const audits = await bench.database.db
      .select({ action: auditLog.action, after: auditLog.after })
      .from(auditLog)
      .where(and(eq(auditLog.entityType, 'run'), eq(auditLog.entityId, runId)));
    expect(audits).toEqual([
      {
        action: 'run.removed',
        after: expect.objectContaining({ journeyId, reason: 'Asked support to stop the emails' }),
      },
    ]);
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
