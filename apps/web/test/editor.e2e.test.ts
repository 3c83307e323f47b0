/**
 * The editor end to end, in real Chromium against the real API and PostgreSQL: build the canonical win-back
 * journey (DOMAIN S-AU-1) on an empty canvas by dragging steps from the palette and typing settings, see the
 * problems of an unfinished journey, fix them, publish, and reopen it.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startEditorServer, type EditorServer } from './harness';

const resultsDir = fileURLToPath(new URL('../test-results', import.meta.url));
const docsImage = fileURLToPath(new URL('../../../docs/images/editor.png', import.meta.url));
/** docs/launching.md shows the launch confirmation as this test sees it. */
const docsLaunchImage = fileURLToPath(
  new URL('../../../docs/images/launch-confirmation.png', import.meta.url),
);

describe('journey editor in Chromium', () => {
  let server: EditorServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  /** Chromium reports what the API's Content-Security-Policy blocked on the console. */
  const cspViolations: string[] = [];

  beforeAll(async () => {
    server = await startEditorServer();
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

  const panel = () => page.getByTestId('step-panel');

  /** Drags a palette item onto a drop target on the canvas (a "+" slot or the trigger slot). */
  async function drag(kind: string, target: string): Promise<void> {
    await bringIntoView(target);
    await page.dragAndDrop(`.palette [data-kind="${kind}"]`, `[data-testid="${target}"]`);
  }

  /** A segment picker when the API lists segments, a text field when it cannot. */
  /** Like a manager would: pan the canvas (drag its background) until the drop target sits in the middle. */
  async function bringIntoView(testId: string): Promise<void> {
    await page.waitForTimeout(300);
    const canvas = (await page.getByTestId('canvas').boundingBox())!;
    const target = (await page.getByTestId(testId).boundingBox())!;
    const dx = canvas.x + canvas.width / 2 - (target.x + target.width / 2);
    const dy = canvas.y + canvas.height / 2 - (target.y + target.height / 2);
    await page.mouse.move(canvas.x + 6, canvas.y + 6);
    await page.mouse.down();
    await page.mouse.move(canvas.x + 6 + dx, canvas.y + 6 + dy, { steps: 4 });
    await page.mouse.up();
  }

  async function chooseSegment(id: string): Promise<void> {
    const field = panel().getByLabel('Segment');
    if ((await field.evaluate((e) => e.tagName)) === 'SELECT') await field.selectOption(id);
    else await field.fill(id);
  }

  async function addSend(
    after: string,
    channel: 'email' | 'sms' | 'push',
    template: string,
    name: string,
  ): Promise<void> {
    await drag('send', `open-${after}-next`);
    await panel().getByLabel('Channel').selectOption(channel);
    await panel().getByLabel('Message template').selectOption(template);
    await panel().getByLabel('Name on the canvas').fill(name);
  }

  async function addWait(at: string): Promise<void> {
    await drag('wait_for_event', at);
    await panel().getByLabel('Event', { exact: true }).first().fill('login');
    await panel().getByRole('button', { name: 'Add event' }).click();
    await panel().getByLabel('Event', { exact: true }).nth(1).fill('purchase');
  }

  async function addExit(at: string, outcome: string): Promise<void> {
    await drag('exit', at);
    await panel().getByLabel('Outcome name').fill(outcome);
  }

  async function waitSaved(): Promise<void> {
    await expect
      .poll(() => page.getByTestId('save-status').textContent(), { timeout: 10_000 })
      .toMatch(/All changes saved/);
  }

  it('builds the canonical journey from an empty canvas, shows its problems, publishes and reopens it', async () => {
    await page.goto(`${server.url}/#/`);
    await page.getByRole('button', { name: 'New journey' }).click();
    await page.getByLabel('Name').fill('Win back: no login for 30 days');
    await page.getByRole('button', { name: 'Create journey' }).click();
    await page.getByTestId('trigger-slot').waitFor();

    // Trigger: customers entering the "no login for 30 days" segment.
    await drag('audience_trigger', 'trigger-slot');
    await chooseSegment('no-login-30d');

    await addSend('audience_trigger_1', 'email', 'return-gift-email', 'Return gift email');
    await addSend('send_1', 'sms', 'return-gift-sms', 'Return gift SMS');

    // Undo and redo are one entry per gesture: the whole SMS step goes and comes back.
    await page.getByTestId('canvas').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('[data-testid="step-send_2"]').count()).toBe(0);
    for (let i = 0; i < 4; i++) await page.keyboard.press('Control+Shift+z');
    await expect
      .poll(() => page.locator('[data-testid="step-send_2"]').textContent())
      .toContain('Return gift SMS');

    await addWait('open-send_2-next');
    expect(await page.getByTestId('step-wait_for_event_1').textContent()).toContain(
      'Wait up to 7 days for login or purchase',
    );
    await addExit('open-wait_for_event_1-login', 'reactivated');
    await addExit('open-wait_for_event_1-purchase', 'reactivated');

    // The second wave on the timeout lane.
    await drag('send', 'open-wait_for_event_1-timeout');
    await panel().getByLabel('Channel').selectOption('push');
    await panel().getByLabel('Message template').selectOption('second-wave-push');
    await addSend('send_3', 'email', 'second-wave-email', 'Stronger offer email');
    await addWait('open-send_4-next');
    await addExit('open-wait_for_event_2-login', 'reactivated');
    await addExit('open-wait_for_event_2-purchase', 'reactivated');

    // Unfinished: the last timeout leads nowhere, and a cleared field is wrong as it is typed.
    await bringIntoView('step-audience_trigger_1');
    await page.getByTestId('step-audience_trigger_1').click();
    await chooseSegment('');
    await expect.poll(() => panel().getByRole('alert').first().textContent()).toBe('Required');
    await expect
      .poll(() => page.getByTestId('step-audience_trigger_1').getAttribute('class'))
      .toContain('step-invalid');
    await chooseSegment('no-login-30d');
    await page.keyboard.press('Escape');
    await page.getByTestId('canvas').click({ position: { x: 5, y: 5 } });
    const problems = page.getByTestId('problem-list');
    await expect.poll(() => problems.textContent(), { timeout: 10_000 }).toContain('leads nowhere');
    expect(await page.getByRole('button', { name: 'Publish' }).isDisabled()).toBe(true);
    await problems.getByRole('button', { name: /leads nowhere/ }).click();
    await expect
      .poll(() => page.getByTestId('step-wait_for_event_2').getAttribute('class'))
      .toContain('step-selected');

    await page.screenshot({ path: `${resultsDir}/editor-problems.png` });

    // Fix it: the customers who never came back exit as still dormant.
    await addExit('open-wait_for_event_2-timeout', 'still_dormant');
    await page.getByTestId('canvas').click({ position: { x: 5, y: 5 } });
    await expect
      .poll(() => page.getByTestId('problem-count').textContent(), { timeout: 10_000 })
      .toBe('No problems');
    await waitSaved();
    const publish = page.getByRole('button', { name: 'Publish' });
    await expect.poll(() => publish.isEnabled()).toBe(true);
    await publish.click();
    // The launch confirmation says what will happen now before anything goes live.
    const launch = page.getByRole('dialog', { name: 'Publish and go live?' });
    const estimate = launch.getByTestId('launch-estimate');
    await estimate.waitFor();
    expect(await estimate.textContent()).toMatch(/enter at once/);
    mkdirSync(resultsDir, { recursive: true });
    await launch.screenshot({ path: `${resultsDir}/launch-confirmation.png` });
    copyFileSync(`${resultsDir}/launch-confirmation.png`, docsLaunchImage);
    await launch.getByRole('button', { name: 'Publish', exact: true }).click();
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Published version 1' }).count(), {
        timeout: 10_000,
      })
      .toBe(1);

    // Publishing again without a change is refused, and says so.
    await publish.click();
    await launch.getByRole('button', { name: 'Publish', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('publish-refused').textContent(), { timeout: 10_000 })
      .toContain('Nothing changed since version 1');

    // Reopen: the journey comes back from the server exactly as built, and the published version shows counts.
    await page.goto(`${server.url}/#/`);
    await page.getByRole('link', { name: 'Win back: no login for 30 days' }).click();
    await page.getByTestId('step-audience_trigger_1').waitFor();
    expect(await page.locator('.step-card').count()).toBe(12);
    await expect
      .poll(() => page.getByTestId('problem-count').textContent(), { timeout: 10_000 })
      .toBe('No problems');
    // The live version's numbers are on the editor's steps, and can be hidden.
    const liveNumbers = page.getByRole('button', { name: 'Live numbers' });
    expect(await liveNumbers.getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('counts-wait_for_event_1').textContent()).toContain('0 entered');
    await liveNumbers.click();
    await expect.poll(() => page.getByTestId('counts-wait_for_event_1').count()).toBe(0);
    await liveNumbers.click();
    await page.getByTestId('counts-wait_for_event_1').waitFor();
    mkdirSync(resultsDir, { recursive: true });
    await page.getByTestId('step-wait_for_event_1').click();
    await page.locator('.react-flow__controls-fitview').click();
    await page.waitForTimeout(400);
    await page.screenshot({ path: `${resultsDir}/editor.png` });
    mkdirSync(fileURLToPath(new URL('.', `file://${docsImage}`)), { recursive: true });
    copyFileSync(`${resultsDir}/editor.png`, docsImage);

    await page.getByRole('button', { name: 'History' }).click();
    await expect.poll(() => page.getByTestId('diff').textContent()).toContain('No changes');

    await page.goto(`${server.url}/#/journeys/${await journeyId(page)}/versions/1`);
    await page.getByTestId('counts-send_1').waitFor();
    expect(await page.getByTestId('counts-send_1').textContent()).toContain('0 entered');
    await page.screenshot({ path: `${resultsDir}/version.png` });
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });

  it('stops autosave on a conflict and lets the manager load the other version, never overwriting silently', async () => {
    const origin = server.url;
    const created = await page.request.post(`${origin}/api/journeys`, {
      data: { name: 'Two editors', templateId: 'win-back-30d' },
    });
    const { id } = (await created.json()) as { id: string };
    const other = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    try {
      for (const p of [page, other]) {
        await p.goto(`${origin}/#/journeys/${id}`);
        await p.getByTestId('step-gift_email').waitFor();
      }
      // The colleague renames the first email and it saves.
      await other.getByTestId('step-gift_email').click();
      await other.getByTestId('step-panel').getByLabel('Name on the canvas').fill('Colleague’s email');
      await expect
        .poll(() => other.getByTestId('save-status').textContent(), { timeout: 10_000 })
        .toMatch(/All changes saved/);

      // This manager, still on the old revision, edits too: the save is refused and the banner says why.
      await page.getByTestId('step-gift_sms').click();
      await panel().getByLabel('Name on the canvas').fill('My SMS');
      const banner = page.getByRole('alert').filter({ hasText: 'Someone else saved this journey' });
      await banner.waitFor({ timeout: 10_000 });
      expect(await page.getByTestId('save-status').textContent()).toMatch(/Not saved/);
      const stored = (await (await page.request.get(`${origin}/api/journeys/${id}`)).json()) as {
        draft: { graph: { nodes: { id: string; name?: string }[] } };
      };
      expect(stored.draft.graph.nodes.find((n) => n.id === 'gift_email')?.name).toBe('Colleague’s email');
      expect(stored.draft.graph.nodes.find((n) => n.id === 'gift_sms')?.name).not.toBe('My SMS');

      await banner.getByRole('button', { name: 'Load their version' }).click();
      await expect.poll(() => banner.count()).toBe(0);
      await expect
        .poll(() => page.getByTestId('step-gift_email').textContent())
        .toContain('Colleague’s email');
    } finally {
      await other.close();
    }
  });

  it("sends a test of a step to a seed recipient, rendered with a customer's data, and the log marks it a test", async () => {
    const origin = server.url;
    const put = await page.request.put(`${origin}/api/customers/tess`, {
      data: { email: 'tess@example.com', firstName: 'Tess' },
    });
    expect(put.status()).toBe(200);
    const created = await page.request.post(`${origin}/api/journeys`, {
      data: { name: 'Test before launch', templateId: 'win-back-30d' },
    });
    const { id } = (await created.json()) as { id: string };
    await page.goto(`${origin}/#/journeys/${id}`);
    await page.getByTestId('step-gift_email').click();
    const testSend = panel().getByTestId('test-send');
    await testSend.getByText('Send a test').click();
    // A bad address is refused with the field's words; a good one joins the seed list.
    await testSend.getByLabel('Seed recipient name').fill('Ana');
    await testSend.getByLabel('Seed recipient email or phone').fill('ana@');
    await testSend.getByRole('button', { name: 'Add' }).click();
    await expect.poll(() => testSend.getByRole('alert').textContent()).toBe('Not an email address');
    await testSend.getByLabel('Seed recipient email or phone').fill('ana@seed.test');
    await testSend.getByRole('button', { name: 'Add' }).click();
    await testSend.getByRole('checkbox', { name: /Ana/ }).check();
    await testSend.getByLabel('With the data of customer (external id)').fill('tess');
    await testSend.getByRole('button', { name: 'Send test' }).click();
    const results = testSend.getByRole('list', { name: 'Test send results' });
    await expect.poll(() => results.textContent(), { timeout: 10_000 }).toBe('Ana: sent to ana@seed.test');

    const log = (await (await page.request.get(`${origin}/api/messages?journeyId=${id}`)).json()) as {
      messages: { isTest: boolean; recipient: string; subject: string; runId: string | null }[];
    };
    expect(log.messages).toEqual([
      expect.objectContaining({ isTest: true, recipient: 'ana@seed.test', runId: null }),
    ]);
    expect(log.messages[0]!.subject).toMatch(/^\[Test\] /);
    await page.goto(`${origin}/#/messages/log?journeyId=${id}`);
    await page.locator('.msg-test').first().waitFor();
  });

  it('finds journeys by words, status and tag, and tags one in its panel', async () => {
    const origin = server.url;
    for (const [name, tags] of [
      ['Spring sale', ['promo']],
      ['Birthday gift', ['lifecycle', 'promo']],
    ] as const) {
      const created = await page.request.post(`${origin}/api/journeys`, { data: { name, tags } });
      expect(created.status()).toBe(201);
    }
    await page.goto(`${origin}/#/`);
    const rows = page.locator('.journey-table tbody tr');
    await page.getByRole('link', { name: 'Spring sale' }).waitFor();
    const total = await rows.count();
    await page.getByLabel('Tag').selectOption('promo');
    await expect.poll(() => rows.count()).toBe(2);
    await page.getByLabel('Search journeys').fill('birthday');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await page.getByRole('status').filter({ hasText: 'of' }).textContent()).toBe(
      `1 of ${total} journeys`,
    );
    await page.getByLabel('Search journeys').fill('');
    await page.getByLabel('Tag').selectOption('');
    await page.getByLabel('Status').selectOption('live');
    await expect.poll(() => rows.count()).toBeLessThan(total);
    for (const badge of await page.getByTestId('lifecycle-badge').all())
      expect(await badge.textContent()).toMatch(/^Live/);
    await page.getByLabel('Status').selectOption('');

    // Tag a journey in its panel: the list shows and filters by the new tag.
    await page.getByRole('link', { name: 'Spring sale' }).click();
    const tagsField = page.getByTestId('journey-panel').getByLabel('Tags');
    await tagsField.fill('promo, spring');
    await tagsField.blur();
    await expect.poll(() => page.getByTestId('journey-panel').getByText('Saving…').count()).toBe(0);
    await page.goto(`${origin}/#/`);
    await page.getByLabel('Tag').selectOption('spring');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('Spring sale');
  });
});

async function journeyId(page: Page): Promise<string> {
  const res = await page.request.get(`${new URL(page.url()).origin}/api/journeys`);
  const body = (await res.json()) as { journeys: { id: string }[] };
  return body.journeys[0]!.id;
}
