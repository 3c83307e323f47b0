/**
 * The audience and messages sections end to end, in real Chromium against the real API and PostgreSQL: customers
 * imported by CSV are searched and opened; a segment is built with a live count and saved; the dormancy chart
 * draws; a template with a Liquid mistake is refused at save with line and column, fixed, previewed for a customer
 * and saved; a provider's secret shows as "set", never its value; a coupon pool is filled; the message log filters.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { messages } from '@wakeflow/db';
import { TEST_WORKSPACE_ID } from '@wakeflow/db/testing';
import { launchChromium, startEditorServer, type EditorServer } from './harness';

const resultsDir = fileURLToPath(new URL('../test-results', import.meta.url));
const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString();

async function importCsv(server: EditorServer, path: string, csv: string): Promise<void> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: csv,
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
}

describe('audience and messages in Chromium', () => {
  let server: EditorServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startEditorServer();
    mkdirSync(resultsDir, { recursive: true });
    await importCsv(
      server,
      '/api/customers/import',
      [
        'external_id,email,first_name,last_name,timezone,tags,traits.city',
        'ada,ada@example.com,Ada,Lovelace,Asia/Shanghai,vip,Hangzhou',
        'bob,bob@example.com,Bob,Stone,Europe/Berlin,,Berlin',
        'cy,cy@example.com,Cy,Young,UTC,,Paris',
        'dee,,Dee,Never,UTC,,',
      ].join('\n'),
    );
    await importCsv(
      server,
      '/api/events/import',
      [
        'event_id,customer_external_id,name,occurred_at,properties.amount',
        `e1,ada,purchase,${daysAgo(120)},80`,
        `e2,ada,purchase,${daysAgo(100)},120`,
        `e3,ada,login,${daysAgo(100)},`,
        `e4,bob,login,${daysAgo(3)},`,
        `e5,bob,purchase,${daysAgo(5)},20`,
        `e6,cy,purchase,${daysAgo(200)},15`,
      ].join('\n'),
    );
    await fetch(`${server.url}/api/audience/rfm/recompute`, { method: 'POST' });
    const found = (await (await fetch(`${server.url}/api/customers?q=lovelace`)).json()) as {
      customers: { id: string }[];
    };
    const ada = found.customers[0];
    await server.database.db.insert(messages).values([
      {
        workspaceId: TEST_WORKSPACE_ID,
        idempotencyKey: 'k1',
        customerId: ada!.id,
        channel: 'email',
        status: 'sent',
        provider: 'log',
        recipient: 'ada@example.com',
        subject: 'A gift for you',
        body: 'Welcome back',
      },
      {
        workspaceId: TEST_WORKSPACE_ID,
        idempotencyKey: 'k2',
        customerId: ada!.id,
        channel: 'sms',
        status: 'skipped',
        reason: 'no_consent',
        subject: null,
        body: 'A gift is waiting',
      },
    ]);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('searches customers and opens a profile with facts, timeline and messages', async () => {
    await page.goto(`${server.url}/#/audience`);
    await page.getByRole('table', { name: 'Customers' }).waitFor();
    expect(await page.getByRole('table', { name: 'Customers' }).locator('tbody tr').count()).toBe(4);
    await page.getByLabel('Search customers').fill('lovelace');
    await expect
      .poll(() => page.getByRole('table', { name: 'Customers' }).locator('tbody tr').count())
      .toBe(1);
    await page.getByRole('link', { name: 'Ada Lovelace' }).click();
    const profile = page.getByTestId('customer-profile');
    await profile.waitFor();
    expect(await profile.textContent()).toContain('Dormant 3–6 months');
    expect(await profile.textContent()).toContain('Hangzhou');
    const timeline = page.getByRole('list', { name: 'Timeline' });
    expect(await timeline.textContent()).toContain('purchase');
    expect(await timeline.textContent()).toContain('“A gift for you”');
    await page.screenshot({ path: `${resultsDir}/customer-profile.png`, fullPage: true });
  });

  it('builds a segment with a live count, saves it, and reopens it', async () => {
    await page.goto(`${server.url}/#/audience/segments`);
    await page.getByRole('link', { name: 'New segment' }).click();
    await page.getByLabel('Segment name').fill('Dormant buyers');
    // Starter: dormancy stage is 1–3 months → nobody here. Change to "purchases (lifetime) at least 1".
    await expect.poll(() => page.getByTestId('segment-count').textContent(), { timeout: 10_000 }).toBe('0');
    await page.getByLabel('Field').selectOption('facts.purchaseCount');
    await page.getByLabel('Operator').selectOption('gte');
    await page.getByLabel('Value').fill('1');
    await expect.poll(() => page.getByTestId('segment-count').textContent(), { timeout: 10_000 }).toBe('3');
    // AND NOT "login happened at least once in the last 30 days" → Bob drops out.
    await page.getByRole('button', { name: '+ Condition' }).click();
    const second = page.getByTestId('condition-row').nth(1);
    await second.getByLabel('Condition type').selectOption('event');
    await second.getByLabel('Count comparison').selectOption('gte');
    await second.getByLabel('Times').fill('1');
    await second.getByRole('button', { name: 'NOT' }).click();
    await expect.poll(() => page.getByTestId('segment-count').textContent(), { timeout: 10_000 }).toBe('2');
    expect(await page.getByRole('list', { name: 'Sample customers' }).textContent()).not.toContain('Bob');
    // A bad trait path is named on its node by the API.
    await page.getByRole('button', { name: '+ Condition' }).click();
    const third = page.getByTestId('condition-row').nth(2);
    await third.getByLabel('Field').selectOption('__trait');
    await third.getByLabel('Trait path').fill('traits.bad path');
    await expect
      .poll(() => third.getByRole('alert').textContent(), { timeout: 10_000 })
      .toContain('Use a dot path like traits.city');
    await third.getByLabel('Trait path').fill('traits.city');
    await third.getByLabel('Value').fill('Hangzhou');
    await expect.poll(() => page.getByTestId('segment-count').textContent(), { timeout: 10_000 }).toBe('1');
    await page.screenshot({ path: `${resultsDir}/segment-builder.png`, fullPage: true });
    await page.getByRole('button', { name: 'Save segment' }).click();
    await page.waitForURL(/#\/audience\/segments\/dormant-buyers$/);
    await page.getByRole('link', { name: 'All segments' }).click();
    await page.getByRole('link', { name: 'Dormant buyers' }).click();
    await expect.poll(() => page.getByTestId('segment-count').textContent(), { timeout: 10_000 }).toBe('1');
    expect(await page.getByTestId('condition-row').count()).toBe(3);
  });

  it('draws the dormancy overview by stage and value tier', async () => {
    await page.goto(`${server.url}/#/audience/dormancy`);
    await page.getByTestId('dormancy-chart').locator('.recharts-bar-rectangle').first().waitFor();
    const table = page.getByRole('table', { name: 'Customers by stage and tier' });
    const totals = await table.locator('tbody tr td:last-child').allTextContents();
    expect(totals.map(Number).reduce((a, b) => a + b, 0)).toBe(4);
    expect(
      await table.locator('tbody tr', { hasText: 'Never active' }).locator('td:last-child').textContent(),
    ).toBe('1');
    await page.screenshot({ path: `${resultsDir}/dormancy.png`, fullPage: true });
  });

  it('refuses a broken template at save with line and column, previews the fixed one and saves it', async () => {
    await page.goto(`${server.url}/#/messages`);
    await page.getByRole('link', { name: 'Return gift SMS' }).waitFor();
    await page.getByRole('link', { name: 'New template' }).click();
    await page.getByLabel('Name').fill('Gift SMS v2');
    await page.getByLabel('Channel', { exact: true }).selectOption('sms');
    await page
      .getByLabel('Message', { exact: true })
      .fill('Hi {{ customer.first_name }},\nyour gift: {{ customer.shoe_size }} {% if %}');
    await page.getByRole('button', { name: 'Create template' }).click();
    const problems = page.locator('.template-problems');
    await expect
      .poll(() => page.getByText(/Not saved: \d problems? in the template/).count(), { timeout: 10_000 })
      .toBe(1);
    expect(await problems.textContent()).toMatch(/line 2, column \d+/);
    await page.screenshot({ path: `${resultsDir}/template-problems.png`, fullPage: true });
    await page
      .getByLabel('Message', { exact: true })
      .fill('Hi {{ customer.first_name }}, your gift is waiting: {{ entry.code | default: "BACK20" }}');
    await expect.poll(() => problems.count(), { timeout: 10_000 }).toBe(0);
    await page.getByLabel('Preview for').fill('ada');
    await expect
      .poll(() => page.getByLabel('Preview customer').locator('option').count(), { timeout: 10_000 })
      .toBe(2);
    await page.getByLabel('Preview customer').selectOption({ label: 'Ada Lovelace (ada)' });
    await expect
      .poll(() => page.getByTestId('template-preview').textContent(), { timeout: 10_000 })
      .toContain('Hi Ada, your gift is waiting: BACK20');
    expect(await page.getByTestId('template-preview').getByRole('alert').count()).toBe(0);
    await page.screenshot({ path: `${resultsDir}/template-editor.png`, fullPage: true });
    await page.getByRole('button', { name: 'Create template' }).click();
    await page.waitForURL(/#\/messages\/templates\/gift-sms-v2$/);
    await page.getByRole('link', { name: 'All templates' }).click();
    await page.getByRole('link', { name: 'Gift SMS v2' }).waitFor();
  });

  it('shows the log fallback per channel, and a provider secret as set, never its value', async () => {
    await page.goto(`${server.url}/#/messages/providers`);
    expect(await page.getByTestId('effective-email').textContent()).toContain('Nothing is delivered');
    await page.getByRole('button', { name: 'Add provider' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Id').fill('main-smtp');
    await dialog.getByLabel('Host').fill('smtp.example.com');
    await dialog.getByLabel('From address').fill('hello@example.com');
    await dialog.getByLabel(/^password/).fill('very-secret-pw');
    await dialog.getByRole('button', { name: 'Add provider' }).click();
    await page.getByRole('table', { name: 'Providers' }).waitFor();
    expect(await page.getByRole('table', { name: 'Providers' }).textContent()).toContain('password: set');
    await expect.poll(() => page.getByTestId('effective-email').textContent()).toContain('main-smtp');
    expect(await page.getByTestId('effective-sms').textContent()).toContain('Nothing is delivered');
    await page.getByRole('button', { name: 'Edit' }).click();
    expect(
      await page
        .getByRole('dialog')
        .getByLabel(/^password/)
        .inputValue(),
    ).toBe('');
    expect(await page.content()).not.toContain('very-secret-pw');
    await page.screenshot({ path: `${resultsDir}/providers.png`, fullPage: true });
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  it('creates a coupon pool, generates codes by pattern and imports codes', async () => {
    await page.goto(`${server.url}/#/messages/coupons`);
    await page.getByRole('button', { name: 'New pool' }).click();
    const form = page.getByRole('form', { name: 'New coupon pool' });
    await form.getByLabel('Name').fill('20 off, no minimum');
    await form.getByLabel('Id').fill('back-20');
    await form.getByLabel('Pattern (optional)').fill('BACK-####-??');
    await form.getByRole('button', { name: 'Create pool' }).click();
    await page.getByRole('button', { name: '20 off, no minimum' }).click();
    await page.getByLabel('How many codes').fill('5');
    await page.getByRole('button', { name: 'Generate' }).click();
    await expect.poll(() => page.getByTestId('free-back-20').textContent()).toBe('5');
    await page.getByLabel('Codes to import').fill('WELCOME-0001\nWELCOME-0002, WELCOME-0003');
    await page.getByRole('button', { name: 'Import 3 codes' }).click();
    await expect.poll(() => page.getByTestId('free-back-20').textContent()).toBe('8');
    expect(await page.getByRole('table', { name: 'Codes of 20 off, no minimum' }).textContent()).toContain(
      'WELCOME-0002',
    );
    await page.screenshot({ path: `${resultsDir}/coupons.png`, fullPage: true });
  });

  it('filters the message log by status and channel, and says skip reasons in words', async () => {
    await page.goto(`${server.url}/#/messages/log`);
    const table = page.getByRole('table', { name: 'Messages' });
    await expect.poll(() => table.locator('tbody tr').count()).toBe(2);
    await page.getByLabel('Status').selectOption('skipped');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
    expect(await table.textContent()).toContain('no consent for this channel');
    expect(page.url()).toContain('status=skipped');
    await page.getByLabel('Channel').selectOption('email');
    await page.getByText('No messages match these filters.').waitFor();
    await page.getByRole('link', { name: 'Clear filters' }).click();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(2);
    await page.screenshot({ path: `${resultsDir}/message-log.png`, fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('uploads customer and event lists from the web app, with the per-row report; a bad header stores nothing', async () => {
    await page.goto(`${server.url}/#/audience`);
    await page.getByRole('button', { name: 'Import CSV' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import a CSV file' });
    const file = dialog.getByLabel('File', { exact: true });
    const upload = async (name: string, lines: string[]) => {
      await file.setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) });
      await dialog.getByRole('button', { name: 'Import' }).click();
      const status = dialog.getByRole('status');
      await status.waitFor();
      return status.textContent();
    };
    // A header without the required column: refused, nothing stored, the column named.
    expect(await upload('no-id.csv', ['email', 'zed@example.com'])).toContain('Nothing was imported');
    expect(await dialog.getByRole('table', { name: 'Rows refused' }).textContent()).toContain(
      'Required column is missing',
    );
    // Two good rows and one with a bad email: two stored, the bad one listed by line and column.
    expect(
      await upload('offline-list.csv', [
        'external_id,email,first_name',
        'zed,zed@example.com,Zed',
        'yan,not-an-email,Yan',
        'xia,xia@example.com,Xia',
      ]),
    ).toContain('Imported 2 of 3 rows; 1 refused.');
    const refused = await dialog.getByRole('table', { name: 'Rows refused' }).textContent();
    expect(refused).toContain('3'); // line 3 of the file
    expect(refused).toContain('email');
    // Events for them, through the same path as the ingest API; the same file again counts as already stored.
    await dialog.getByLabel('Events').check();
    const events = [
      'event_id,customer_external_id,name,occurred_at',
      `up-1,zed,login,${daysAgo(2)}`,
      `up-2,xia,purchase,${daysAgo(1)}`,
    ];
    expect(await upload('events.csv', events)).toContain('Imported 2 of 2 rows.');
    expect(await upload('events.csv', events)).toContain('(2 events were already stored)');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    // The list shows the new customers at once.
    await page.getByLabel('Search customers').fill('zed');
    await expect
      .poll(() => page.getByRole('table', { name: 'Customers' }).locator('tbody tr').count())
      .toBe(1);
    // Stored once each: Zed's profile has the uploaded login exactly once.
    await page.getByRole('link', { name: 'Zed' }).click();
    const timeline = page.getByRole('list', { name: 'Timeline' });
    await timeline.waitFor();
    expect(await timeline.getByText('login').count()).toBe(1);
  });
});
