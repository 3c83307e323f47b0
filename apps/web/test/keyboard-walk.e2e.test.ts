/**
 * The canonical win-back journey (DOMAIN S-AU-1) built with the keyboard only, in real Chromium against the real
 * API and PostgreSQL (issue 17, "done means"): from the journey list to an empty canvas, every step added through a
 * + menu, every field filled by Tab, typing and arrow keys, and published. No mouse event is sent at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startEditorServer, type EditorServer } from './harness';

/** What the focused element is, as a manager's screen reader would say it. */
interface Focused {
  tag: string;
  role: string | null;
  name: string;
  label: string;
  value: string;
  inDialog: boolean;
}

describe('the canonical journey by keyboard only', () => {
  let server: EditorServer;
  let browser: Browser;
  let page: Page;
  let mouseEvents = 0;

  beforeAll(async () => {
    server = await startEditorServer();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.exposeFunction('__mouseUsed', () => void (mouseEvents += 1));
    // Proof the walk is keyboard only: any pointer press or click on the page is counted.
    await page.addInitScript(() => {
      for (const type of ['mousedown', 'click', 'pointerdown'])
        window.addEventListener(
          type,
          (e) => {
            // Keyboard activation of a button dispatches a click with no pointer (detail 0): that one is fine.
            if (e instanceof MouseEvent && (e.detail > 0 || type !== 'click'))
              void (window as unknown as { __mouseUsed(): void }).__mouseUsed();
          },
          true,
        );
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const focused = (): Promise<Focused> =>
    page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      const input = el as HTMLInputElement | null;
      return {
        tag: el?.tagName.toLowerCase() ?? '',
        role: el?.getAttribute('role') ?? null,
        name: (el?.getAttribute('aria-label') ?? el?.textContent ?? '').trim(),
        label: (input?.labels?.[0]?.textContent ?? '').trim(),
        value: input && 'value' in input ? String(input.value) : '',
        inDialog: Boolean(el?.closest('[role="dialog"]')),
      };
    });

  /** Presses Tab until the focused element is the one wanted. */
  async function tabTo(what: string, wanted: (f: Focused) => boolean, limit = 200): Promise<void> {
    for (let i = 0; i < limit; i++) {
      if (wanted(await focused())) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`Tab never reached ${what}; focus is on ${JSON.stringify(await focused())}`);
  }

  const field =
    (label: string | RegExp, empty = false) =>
    (f: Focused) =>
      (typeof label === 'string' ? f.label === label : label.test(f.label)) && (!empty || f.value === '');

  async function press(key: string): Promise<void> {
    await page.keyboard.press(key);
  }

  /** Tab to a + (by its accessible name), open its menu, arrow to the kind and take it. */
  async function addStep(plus: RegExp, kind: string): Promise<void> {
    await tabTo(`the + ${plus}`, (f) => f.tag === 'button' && plus.test(f.name));
    await press('Enter');
    await expect.poll(async () => (await focused()).role).toBe('menuitem');
    for (let i = 0; i < 30 && !(await focused()).name.startsWith(kind); i++) await press('ArrowDown');
    expect((await focused()).name).toMatch(new RegExp(`^${kind}`));
    await press('Enter');
    await page.getByTestId('step-panel').waitFor();
  }

  /** A select chosen by typing the start of the option's text, as a keyboard user does. */
  async function choose(label: string, option: string): Promise<void> {
    await tabTo(label, field(label));
    await page.keyboard.type(option);
    await expect.poll(async () => (await focused()).value).not.toBe('');
  }

  async function type(label: string | RegExp, text: string, empty = false): Promise<void> {
    await tabTo(String(label), field(label, empty));
    await page.keyboard.press('Control+a');
    await page.keyboard.type(text);
  }

  async function send(after: RegExp, channel: string, template: string, name: string): Promise<void> {
    await addStep(after, 'Send');
    await choose('Channel', channel);
    await choose('Message template', template);
    await type('Name on the canvas', name);
  }

  async function wait(after: RegExp, name: string): Promise<void> {
    await addStep(after, 'Wait for event');
    await type('Event', 'login', true);
    await tabTo('Add event', (f) => f.tag === 'button' && f.name === 'Add event');
    await press('Enter');
    await type('Event', 'purchase', true);
    await type('Name on the canvas', name);
  }

  async function exit(on: RegExp, outcome: string): Promise<void> {
    await addStep(on, 'Exit');
    await type('Outcome name', outcome);
  }

  it('goes from an empty canvas to a published journey without the mouse', async () => {
    await page.goto(`${server.url}/#/`);
    await tabTo('New journey', (f) => f.tag === 'button' && /New journey/.test(f.name));
    await press('Enter');
    await type('Name', 'Win back by keyboard');
    await press('Enter');
    await page.getByTestId('trigger-slot').waitFor();

    await tabTo(
      'the trigger slot',
      (f) => f.tag === 'button' && /trigger|Add a trigger|Choose/i.test(f.name),
    );
    await press('Enter');
    await expect.poll(async () => (await focused()).role).toBe('menuitem');
    for (let i = 0; i < 30 && !(await focused()).name.startsWith('Audience'); i++) await press('ArrowDown');
    await press('Enter');
    await choose('Segment', 'No login');

    await send(/^Add a step after “Audience/, 'email', 'Return gift email', 'Return gift email');
    await send(/^Add a step after “Return gift email”/, 'sms', 'Return gift SMS', 'Return gift SMS');
    await wait(/^Add a step after “Return gift SMS”/, 'Wait for return');
    await exit(/“login”|Did login|Logged in/i, 'reactivated');
    await exit(/“purchase”|Did purchase|Purchased/i, 'reactivated');
    await send(/Not within 7 days/, 'push', 'Second wave push', 'Second wave push');
    await send(
      /^Add a step after “Second wave push”/,
      'email',
      'Stronger offer email',
      'Stronger offer email',
    );
    await wait(/^Add a step after “Stronger offer email”/, 'Wait again');
    await exit(/“login”.*Wait again|Did login.*Wait again|Logged in.*Wait again/i, 'reactivated');
    await exit(/“purchase”.*Wait again|Did purchase.*Wait again|Purchased.*Wait again/i, 'reactivated');
    await exit(/Not within 7 days.*Wait again/, 'still_dormant');

    await press('Escape');
    await expect
      .poll(() => page.getByTestId('problem-count').textContent(), { timeout: 15_000 })
      .toBe('No problems');
    await expect
      .poll(() => page.getByTestId('save-status').textContent(), { timeout: 15_000 })
      .toMatch(/All changes saved/);
    await tabTo('Publish', (f) => f.tag === 'button' && f.name === 'Publish');
    await press('Enter');
    // Going live asks first (how many customers enter at once): confirm in the dialog.
    if (await page.getByRole('dialog').count())
      await tabTo('Publish in the dialog', (f) => f.inDialog && f.tag === 'button' && f.name === 'Publish');
    if ((await focused()).inDialog) await press('Enter');
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Published version 1' }).count(), {
        timeout: 15_000,
      })
      .toBe(1);
    expect(await page.locator('.step-card').count()).toBe(12);
    expect(mouseEvents).toBe(0);
  });
});
