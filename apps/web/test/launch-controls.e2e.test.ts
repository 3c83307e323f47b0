/**
 * Launch controls in Chromium against the real API and PostgreSQL: the editor of a live journey says it is live and
 * which version, pauses and resumes it (the journey's status follows), and the journey list shows the status.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { journeys, publishJourneyDraft } from '@wakeflow/db';
import { TEST_WORKSPACE_ID } from '@wakeflow/db/testing';
import { createCatalog } from '@wakeflow/catalog';
import { launchChromium, startEditorServer, type EditorServer } from './harness';

describe('launch controls in Chromium', () => {
  let server: EditorServer;
  let browser: Browser;
  let page: Page;
  let journeyId = '';
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startEditorServer({
      prepare: async (database) => {
        const [row] = await database.db
          .insert(journeys)
          .values({
            workspaceId: TEST_WORKSPACE_ID,
            name: 'Launch me',
            draftGraph: {
              nodes: [
                { id: 't', type: 'api_trigger', config: {} },
                { id: 'x', type: 'exit', config: { outcome: 'done' } },
              ],
              edges: [{ source: 't', target: 'x' }],
            },
          })
          .returning({ id: journeys.id });
        journeyId = row!.id;
        await publishJourneyDraft(database.db, createCatalog(), {
          workspaceId: TEST_WORKSPACE_ID,
          journeyId,
        });
      },
    });
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const status = async () =>
    (
      await server.database.db
        .select({ status: journeys.status })
        .from(journeys)
        .where(eq(journeys.id, journeyId))
    )[0]?.status;

  it('shows the live badge with the live version, and pauses and resumes from the editor', async () => {
    await page.goto(`${server.url}/#/journeys/${journeyId}`);
    const badge = page.getByTestId('lifecycle-badge');
    await expect.poll(() => badge.textContent()).toBe('Live · v1');

    await page.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => badge.textContent()).toBe('Paused · v1');
    expect(await status()).toBe('paused');

    await page.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => badge.textContent()).toBe('Live · v1');
    expect(await status()).toBe('live');

    await page.goto(`${server.url}/#/journeys`);
    const row = page.getByRole('row', { name: /Launch me/ });
    await expect.poll(() => row.getByTestId('lifecycle-badge').textContent()).toBe('Live');
    expect(pageErrors).toEqual([]);
  });
});
