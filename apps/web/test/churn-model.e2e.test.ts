/**
 * The churn model page in real Chromium against the real API and PostgreSQL, on the demo's CDNOW sample (2,357
 * customers, shifted to end today): the fit, and beside it the calibration/holdout chart — predicted against actual
 * repeat purchases after the calibration period, per number of repeat purchases in it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createCatalog } from '@wakeflow/catalog';
import { TEST_WORKSPACE_ID } from '@wakeflow/db/testing';
import { seedDemo } from '../../api/src/demo/seed';
import { launchChromium, startEditorServer, type EditorServer } from './harness';

describe('churn model page in Chromium', () => {
  let server: EditorServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startEditorServer({
      prepare: (database) =>
        seedDemo({
          db: database.db,
          catalog: createCatalog(),
          workspaceId: TEST_WORKSPACE_ID,
          customers: 2357,
        }).then(() => undefined),
    });
    browser = await launchChromium();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the fit and, beside it, predicted against actual purchases after the calibration period', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${server.url}/#/audience/churn-model`);
    await page.getByRole('button', { name: 'Refit now' }).click();
    await expect
      .poll(() => page.getByTestId('churn-fit').textContent(), { timeout: 30_000 })
      .toMatch(/BG\/NBD on 2357 buyers/);
    const summary = page.getByTestId('churn-validation-summary');
    await summary.waitFor({ timeout: 30_000 });
    expect(await summary.textContent()).toMatch(
      /^Predicted [\d,]+ repeat purchases in the \d+-day holdout, actual [\d,]+/,
    );
    // Seven bar pairs (0 … 5 and 6+ repeat purchases in calibration), actual and predicted.
    expect(await page.locator('[data-testid="churn-validation"] .recharts-bar-rectangle').count()).toBe(14);
  });
});
