/**
 * A 301-step journey at a glance, in real Chromium (issue 17 item 4): fit-to-view keeps the step names readable
 * (compact blocks, never below the readable zoom, the entry centred); folding every path fits the whole journey
 * readably; a folded path is one block that the keyboard reaches and Enter expands, focus moving to its first step;
 * a step's fold button and "Show all paths" restore the steps.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { largeJourney } from '../src/editor-core/fixtures/large-journey';
import { launchChromium, startEditorServer, type EditorServer } from './harness';

const resultsDir = fileURLToPath(new URL('../test-results', import.meta.url));
const docsImage = fileURLToPath(new URL('../../../docs/images/editor-overview.png', import.meta.url));
/** The smallest name on screen the overview accepts, in CSS pixels. */
const READABLE_PX = 11;

describe('overview of a 301-step journey', () => {
  let server: EditorServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(resultsDir, { recursive: true });
    server = await startEditorServer();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** The names of the steps on screen inside the canvas, with their size on screen (font size × zoom). */
  const namesOnScreen = () =>
    page.evaluate(() => {
      const pane = document.querySelector('.canvas-pane')!.getBoundingClientRect();
      const viewport = document.querySelector('.react-flow__viewport')!;
      const zoom = new DOMMatrix(getComputedStyle(viewport).transform).a;
      return [...document.querySelectorAll<HTMLElement>('.step-title, .collapsed-count')]
        .filter((el) => {
          const r = el.getBoundingClientRect();
          return r.bottom > pane.top && r.top < pane.bottom && r.right > pane.left && r.left < pane.right;
        })
        .map((el) => ({ text: el.textContent ?? '', px: parseFloat(getComputedStyle(el).fontSize) * zoom }));
    });
  /** Waits for the viewport to settle (fit-to-view animates). */
  const settled = async () => {
    let last = '';
    await expect
      .poll(async () => {
        const now = await page
          .locator('.react-flow__viewport')
          .evaluate((v) => getComputedStyle(v).transform);
        const same = now === last;
        last = now;
        return same;
      })
      .toBe(true);
  };
  const stepsRendered = () => page.locator('.react-flow__node-step').count();

  it('fits readably, folds to one screen, and unfolds by keyboard and by click', async () => {
    const created = await fetch(`${server.url}/api/journeys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Large win-back', graph: largeJourney(300) }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    await page.goto(`${server.url}/#/journeys/${id}`);
    await page.getByTestId('step-trigger').waitFor();

    // Fit to view: every name on screen readable, the entry at the top, centred.
    await page.getByRole('button', { name: 'Fit to view' }).click();
    await settled();
    const fitted = await namesOnScreen();
    expect(fitted.length).toBeGreaterThanOrEqual(8);
    for (const name of fitted) expect(name.px, name.text).toBeGreaterThanOrEqual(READABLE_PX);
    const pane = (await page.locator('.canvas-pane').boundingBox())!;
    const entry = (await page.getByTestId('step-trigger').boundingBox())!;
    expect(Math.abs(entry.x + entry.width / 2 - (pane.x + pane.width / 2))).toBeLessThan(4);
    expect(entry.y - pane.y).toBeLessThan(80);
    await expect.poll(() => page.locator('.canvas-compact').count()).toBe(1);
    await page.screenshot({ path: `${resultsDir}/editor-fit.png` });

    // Fold everything: the journey down to its first fork, each path one block, all on one screen.
    await page.getByRole('button', { name: 'Collapse all paths' }).click();
    await settled();
    expect(await stepsRendered()).toBe(4);
    const blocks = page.locator('.react-flow__node-collapsed');
    expect(await blocks.count()).toBe(2);
    await expect.poll(() => page.getByTestId('collapsed-split_3-a').textContent()).toMatch(/^\s*295 steps/);
    for (const el of [...(await page.locator('.react-flow__node').all())]) {
      const box = (await el.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(pane.x);
      expect(box.y + box.height).toBeLessThanOrEqual(pane.y + pane.height);
    }
    for (const name of await namesOnScreen()) expect(name.px, name.text).toBeGreaterThanOrEqual(READABLE_PX);
    await page.screenshot({ path: `${resultsDir}/editor-overview.png` });
    await page.screenshot({ path: docsImage });

    // By keyboard: Tab from the fork reaches its fold button, then the block; Enter shows the path's steps and
    // its first step takes focus.
    await page.locator('.react-flow__node[data-id="split_3"]').focus();
    const active = () =>
      page.evaluate(() => {
        const el = document.activeElement;
        return el?.classList.contains('react-flow__node')
          ? el.getAttribute('data-id')
          : el?.getAttribute('data-testid');
      });
    for (let i = 0; i < 6 && (await active()) !== 'collapsed-split_3-a'; i++)
      await page.keyboard.press('Tab');
    expect(await active()).toBe('collapsed-split_3-a');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toMatch(
      /^Show the “a · 50%” path after “.+”: 295 steps, /,
    );
    await page.keyboard.press('Enter');
    await page.getByTestId('step-wait_4').waitFor();
    await expect.poll(active).toBe('wait_4');
    // The next fork's paths are still folded: one level at a time.
    await page.getByTestId('collapsed-wait_4-timeout').waitFor();

    // A step's fold button unfolds its paths, and folds them again.
    await page.getByTestId('fold-wait_4').click();
    await page.getByTestId('step-branch_5').waitFor();
    expect(await page.getByTestId('fold-wait_4').getAttribute('aria-expanded')).toBe('true');
    await page.getByTestId('fold-wait_4').click();
    await page.getByTestId('collapsed-wait_4-timeout').waitFor();

    // Show all paths: every step back, no block left.
    await page.getByRole('button', { name: 'Show all paths' }).click();
    await settled();
    expect(await blocks.count()).toBe(0);
    expect(await page.getByTestId('fold-split_3').getAttribute('aria-expanded')).toBe('true');
    expect(await stepsRendered()).toBeGreaterThan(4);
  });
});
