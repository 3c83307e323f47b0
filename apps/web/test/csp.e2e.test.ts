/**
 * The built editor under the API's Content-Security-Policy, in real Chromium: the app shell carries the policy, an
 * email template's HTML preview (a sandboxed srcdoc iframe, which inherits the policy) still shows its inline
 * styles, nothing the app does is blocked — and an inline script, which the policy exists to stop, is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startEditorServer, type EditorServer } from './harness';

async function send(server: EditorServer, method: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
}

describe('the editor under its Content-Security-Policy', () => {
  let server: EditorServer;
  let browser: Browser;
  let page: Page;
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startEditorServer();
    await send(server, 'PUT', '/api/customers/ada', { email: 'ada@example.com', firstName: 'Ada' });
    await send(server, 'POST', '/api/templates', {
      id: 'styled-email',
      channel: 'email',
      name: 'Styled email',
      subject: 'A gift',
      body: 'Hi {{ customer.first_name }}',
      // Email HTML as it is written: a <style> block and style= attributes.
      html: '<style>.gift { color: rgb(0, 128, 0) }</style><p class="gift" style="font-weight: 700">Hi {{ customer.first_name }}</p>',
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.text().includes('Content Security Policy')) cspViolations.push(m.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('previews a styled email in its sandboxed frame with nothing blocked', async () => {
    const response = await page.goto(`${server.url}/#/messages/templates/styled-email`);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");

    await page.getByLabel('Preview for').fill('ada');
    await expect
      .poll(() => page.getByLabel('Preview customer').locator('option').count(), { timeout: 10_000 })
      .toBe(2);
    await page.getByLabel('Preview customer').selectOption({ index: 1 });
    const gift = page.frameLocator('iframe[title="HTML preview"]').locator('p.gift');
    await expect.poll(() => gift.textContent(), { timeout: 10_000 }).toBe('Hi Ada');
    const style = await gift.evaluate((p) => {
      const computed = getComputedStyle(p);
      return { color: computed.color, weight: computed.fontWeight };
    });
    expect(style).toEqual({ color: 'rgb(0, 128, 0)', weight: '700' });
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });

  it('blocks an inline script, and the violation is reported', async () => {
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.injected = true';
      document.body.append(script);
    });
    expect(await page.evaluate(() => 'injected' in window)).toBe(false);
    await expect.poll(() => cspViolations.length).toBe(1);
    expect(cspViolations[0]).toMatch(/script-src/);
  });
});
