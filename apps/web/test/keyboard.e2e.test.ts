/**
 * The editor by keyboard, in real Chromium (issue 17 item 3, in part): a focused step shows a focus ring and is
 * named by its step name and kind; arrow keys move focus along paths from the focused step (not from the
 * trigger); Enter opens the step's form with focus in it; Tab reaches the steps before the + buttons; the + menu
 * takes focus and gives it back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startEditorServer, type EditorServer } from './harness';

describe('journey editor by keyboard', () => {
  let server: EditorServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startEditorServer();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const focusedStep = () =>
    page.evaluate(() => {
      const active = document.activeElement;
      return active instanceof HTMLElement && active.classList.contains('react-flow__node')
        ? { id: active.dataset.id, label: active.getAttribute('aria-label') }
        : null;
    });

  it('moves focus along paths, opens the focused step with Enter, and returns focus from the + menu', async () => {
    const created = await fetch(`${server.url}/api/journeys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Keyboard win-back', templateId: 'win-back-30d' }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    await page.goto(`${server.url}/#/journeys/${id}`);
    await page.getByTestId('step-gift_email').waitFor();

    // Focus the first step the way Tab does, then walk down its path.
    await page.locator('.react-flow__node[data-id="gift_email"]').focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(focusedStep).toMatchObject({ id: 'gift_sms' });
    const step = await focusedStep();
    expect(step?.label).toMatch(/^Return gift SMS, Send message: /);
    await page.keyboard.press('ArrowUp');
    await expect.poll(focusedStep).toMatchObject({ id: 'gift_email' });
    const ring = await page
      .locator('.react-flow__node[data-id="gift_email"] .step-card')
      .evaluate((card) => getComputedStyle(card).outlineStyle);
    expect(ring).toBe('solid');

    await page.keyboard.press('Enter');
    await page.getByTestId('step-panel').waitFor();
    await expect
      .poll(() => page.evaluate(() => Boolean(document.activeElement?.closest('[data-testid="step-panel"]'))))
      .toBe(true);

    // Tab order: every step, then the + buttons (they used to come first, drawn as edge labels).
    const order = await page.evaluate(() =>
      [...document.querySelectorAll('.react-flow__node-step, .react-flow__node-plus button')].map((e) =>
        e.classList.contains('react-flow__node-step') ? 'step' : 'plus',
      ),
    );
    expect(order.lastIndexOf('step')).toBeLessThan(order.indexOf('plus'));

    // The + on a path: the menu takes focus, Escape gives it back to the +.
    const plus = page.getByRole('button', { name: /^Add a step after “Return gift email”/ });
    await plus.focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('role')))
      .toBe('menuitem');
    await page.keyboard.press('Escape');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toMatch(/^Add a step after “Return gift email”/);

    // Find a step by name: Enter in the search jumps to it, selects it and gives it keyboard focus.
    const search = page.getByLabel('Find a step by name');
    await search.fill('return gift sms');
    await search.press('Enter');
    await expect
      .poll(() => page.getByTestId('step-gift_sms').getAttribute('class'))
      .toContain('step-selected');
    await expect.poll(focusedStep).toMatchObject({ id: 'gift_sms' });
    await search.fill('no such step');
    await search.press('Enter');
    await page.getByRole('status').filter({ hasText: 'No step is called that' }).waitFor();
  });

  it('keeps the minimap beside the canvas at 1280×720, never over a step', async () => {
    const small = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    try {
      const created = await fetch(`${server.url}/api/journeys`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Minimap win-back', templateId: 'win-back-30d' }),
      });
      const { id } = (await created.json()) as { id: string };
      await small.goto(`${server.url}/#/journeys/${id}`);
      await small.getByTestId('step-gift_email').waitFor();
      const pane = (await small.locator('.react-flow').boundingBox())!;
      const minimap = (await small.locator('.react-flow__minimap').boundingBox())!;
      expect(minimap.width).toBeGreaterThan(100);
      expect(minimap.x).toBeGreaterThanOrEqual(pane.x + pane.width);
    } finally {
      await small.close();
    }
  });
});
