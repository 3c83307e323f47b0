/**
 * The Backtest page in Chromium against the real API and PostgreSQL, on the demo workspace as `pnpm start` seeds it
 * (the canonical journey and CDNOW customers whose history ends today): reached from the journey's editor, it shows
 * a report without any setup — the same entries the backtest gives for its default window, the natural return of
 * the first wait, and a CSV download.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { segments } from '@wakeflow/db';
import { TEST_WORKSPACE_ID } from '@wakeflow/db/testing';
import { createCatalog, runBacktest } from '@wakeflow/catalog';
import { seedDemo } from '../../api/src/demo/seed';
import { defaultBacktestWindow } from '../src/sections/review/BacktestPage';
import { launchChromium, startEditorServer, type EditorServer } from './harness';

describe('backtest page in Chromium', () => {
  let server: EditorServer;
  let browser: Browser;
  let page: Page;
  let journeyId = '';
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startEditorServer({
      prepare: async (database) => {
        // The harness's stand-in segment gives way to the demo's real "no login for 30 days".
        await database.db
          .delete(segments)
          .where(and(eq(segments.workspaceId, TEST_WORKSPACE_ID), eq(segments.id, 'no-login-30d')));
        const seeded = await seedDemo({
          db: database.db,
          catalog: createCatalog(),
          workspaceId: TEST_WORKSPACE_ID,
          customers: 60,
        });
        journeyId = seeded.journeyId;
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

  it('is reached from the journey and shows the demo backtest without setup', async () => {
    await page.goto(`${server.url}/#/journeys/${journeyId}`);
    await page.getByRole('link', { name: 'Backtest' }).click();
    await page.waitForURL(/\/backtest$/);
    const entries = page.getByTestId('backtest-entries');
    await entries.waitFor({ timeout: 90_000 });
    const expected = await runBacktest(server.database.db, {
      workspaceId: TEST_WORKSPACE_ID,
      journeyId,
      ...defaultBacktestWindow(),
    });
    expect(expected.entries.total).toBeGreaterThan(0);
    expect(await entries.textContent()).toBe(expected.entries.total.toLocaleString('en-US'));
    await page.getByTestId('natural-return-wait_return').waitFor();
    expect(await page.getByTestId('natural-return-wait_return').textContent()).toContain('came back');
    expect(await page.getByTestId('backtest-steps').textContent()).toContain('Return gift email');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'CSV' }).click();
    expect((await download).suggestedFilename()).toMatch(/^backtest-.*\.csv$/);
    expect(pageErrors).toEqual([]);
  });
});
