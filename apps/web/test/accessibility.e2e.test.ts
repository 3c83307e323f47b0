/**
 * axe-core on every page of the app, in real Chromium against the real API and PostgreSQL (issue 17 item 3): no
 * serious or critical violation anywhere — colour contrast, names of controls, ARIA roles. Pages are opened with
 * data in them (a published journey, a customer, templates, segments), the editor also with a step's form and
 * the journey settings open. Also: a template a live journey uses cannot be deleted, and the page lists the journey.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { messages, runs } from '@wakeflow/db';
import { TEST_WORKSPACE_ID } from '@wakeflow/db/testing';
import { launchChromium, startEditorServer, type EditorServer } from './harness';
import { seriousViolations } from './axe';

describe('accessibility of every page', () => {
  let server: EditorServer;
  let browser: Browser;
  let page: Page;
  let journeyId = '';
  let customerId = '';
  let runId = '';
  const pageErrors: string[] = [];

  async function api(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', origin: server.url },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.status === 204 ? {} : ((await res.json()) as Record<string, unknown>);
  }

  beforeAll(async () => {
    server = await startEditorServer();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const created = await api('POST', '/api/journeys', { name: 'Win back', templateId: 'win-back-30d' });
    journeyId = created.id as string;
    await api('POST', `/api/journeys/${journeyId}/publish`, {});
    await api('PUT', '/api/customers/mei', { email: 'mei@example.com', firstName: 'Mei', timezone: 'UTC' });
    const customers = await api('GET', '/api/customers?q=mei');
    customerId = (customers.customers as { id: string }[])[0]!.id;
    // A run that sent its first email, so the runs list, the run page and the message log have rows.
    const [run] = await server.database.db
      .insert(runs)
      .values({
        workspaceId: TEST_WORKSPACE_ID,
        workflowId: 'a11y-run',
        journeyId,
        version: 1,
        customerId,
        entry: 1,
        currentNodeId: 'gift_sms',
        startedAt: new Date(),
      })
      .returning({ id: runs.id });
    runId = run!.id;
    await server.database.db.insert(messages).values([
      {
        workspaceId: TEST_WORKSPACE_ID,
        idempotencyKey: 'a11y-run#gift_email',
        runId,
        journeyId,
        nodeId: 'gift_email',
        customerId,
        channel: 'email',
        templateId: 'return-gift-email',
        status: 'sent',
        recipient: 'mei@example.com',
        subject: 'A gift',
        body: 'Welcome back',
        attempts: 1,
        sentAt: new Date(),
      },
      {
        workspaceId: TEST_WORKSPACE_ID,
        idempotencyKey: 'a11y-run#gift_sms',
        runId,
        journeyId,
        nodeId: 'gift_sms',
        customerId,
        channel: 'sms',
        templateId: 'return-gift-sms',
        status: 'skipped',
        reason: 'no consent',
      },
    ]);
  }, 120_000);

  afterAll(async () => {
    expect(pageErrors).toEqual([]);
    await browser?.close();
    await server?.close();
  });

  /** Opens a hash route, waits for the page's own content and for loading to settle, then runs axe. */
  async function check(hash: string, ready: (p: Page) => Promise<unknown>): Promise<void> {
    await page.goto(`${server.url}/#${hash}`);
    await ready(page);
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(300);
    const found = await seriousViolations(page);
    expect.soft({ page: hash, violations: found }).toEqual({ page: hash, violations: [] });
  }

  const heading = (name: RegExp | string) => (p: Page) =>
    p.getByRole('heading', { name }).first().waitFor({ timeout: 15_000 });

  it('journeys: the list, the editor (step form, settings) and a published version', async () => {
    await check('/', heading(/Journeys/));
    await check(`/journeys/${journeyId}`, (p) => p.getByTestId('step-gift_email').waitFor());
    await page.getByTestId('step-gift_email').click();
    await page.getByTestId('step-panel').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    // With no step selected, the panel shows the journey's settings.
    await page.keyboard.press('Escape');
    await page.getByTestId('step-panel').waitFor({ state: 'detached' });
    await page.waitForTimeout(300);
    expect(await seriousViolations(page)).toEqual([]);
    await check(`/journeys/${journeyId}/versions/1`, (p) => p.getByTestId('counts-gift_email').waitFor());
  });

  it('audience: customers, a profile, segments, the segment builder, dormancy and definitions', async () => {
    await check('/audience/customers', (p) => p.getByText('Mei').first().waitFor());
    await check(`/audience/customers/${customerId}`, (p) => p.getByText('mei@example.com').first().waitFor());
    await check('/audience/segments', (p) => p.getByText('No login for 30 days').first().waitFor());
    await check('/audience/segments/new', (p) => p.locator('.builder-preview').waitFor());
    await check('/audience/segments/no-login-30d', (p) => p.locator('.builder-preview').waitFor());
    await check('/audience/dormancy', heading(/Dormancy/i));
    await check('/audience/definitions', heading('Audience'));
  });

  it('messages: templates, a template, providers, coupon pools and the message log', async () => {
    await check('/messages/templates', (p) => p.getByText('Return gift email').first().waitFor());
    await check('/messages/templates/return-gift-email', (p) => p.locator('#template-body').waitFor());
    await check('/messages/templates/new', (p) => p.locator('#template-body').waitFor());
    await check('/messages/providers', heading(/Providers/i));
    await check('/messages/coupons', heading('Messages'));
    await check('/messages/log', (p) => p.getByText('mei@example.com').first().waitFor());
  });

  it('review: runs, results dashboard and a journey’s results', async () => {
    await check('/runs', (p) => p.getByText('Mei').first().waitFor());
    await check(`/runs?journeyId=${journeyId}`, (p) => p.getByText('Mei').first().waitFor());
    await check(`/runs/${runId}`, heading(/Mei|Run/));
    await check('/results', heading(/Results/i));
    await check(`/journeys/${journeyId}/results`, heading(/Win back|Results/i));
  });

  it('team: people, API keys, approvals and the audit log', async () => {
    await check('/team/people', heading(/Team|People/i));
    await check('/team/api-keys', heading(/Team/i));
    await check('/team/approvals', heading(/Team/i));
    await check('/team/audit', heading(/Team/i));
  });

  it('a template a live journey uses cannot be deleted; the page names the journey', async () => {
    await page.goto(`${server.url}/#/messages/templates/return-gift-email`);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Could not delete' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('is used by “Win back” (version 1 and the draft)');
    const link = alert.getByRole('link', { name: 'Win back' });
    expect(await link.getAttribute('href')).toBe(`#/journeys/${journeyId}`);
    expect(await seriousViolations(page)).toEqual([]);
    expect((await fetch(`${server.url}/api/templates/return-gift-email`)).status).toBe(200);
  });
});
