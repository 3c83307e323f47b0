/**
 * The API reference page in real Chromium, as the API serves the built app: it renders the OpenAPI document the API
 * generates (operations of every resource), under the app's Content-Security-Policy with nothing blocked, and loads
 * nothing from any other origin (the renderer is bundled from npm: no CDN, no web fonts, no telemetry).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startEditorServer, type EditorServer } from './harness';

describe('the API reference page', () => {
  let server: EditorServer;
  let browser: Browser;
  let page: Page;
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];
  const foreignRequests: string[] = [];

  beforeAll(async () => {
    server = await startEditorServer();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.text().includes('Content Security Policy')) cspViolations.push(m.text());
    });
    page.on('request', (r) => {
      const url = r.url();
      if (!url.startsWith(server.url) && !url.startsWith('data:') && !url.startsWith('blob:'))
        foreignRequests.push(url);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('renders every resource of the generated document, offline and under the CSP', async () => {
    const response = await page.goto(`${server.url}/reference.html`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await expect
      .poll(() => page.getByText('Wakeflow API').first().isVisible(), { timeout: 30_000 })
      .toBe(true);
    // The first resource opens with its operations; every other resource is a group of the navigation.
    await expect
      .poll(() => page.getByText('Create or update a customer by your id').count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
    for (const resource of ['Runs', 'Journeys', 'Templates', 'Measurement', 'API keys'])
      expect(await page.getByText(`Open Group - ${resource}`, { exact: true }).count()).toBe(1);
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(foreignRequests).toEqual([]);
  });

  it('is linked from the app header', async () => {
    await page.goto(`${server.url}/#/`);
    await expect
      .poll(() => page.getByRole('link', { name: 'API', exact: true }).getAttribute('href'), {
        timeout: 15_000,
      })
      .toBe('/reference.html');
  });
});
