/**
 * Review and people end to end, in real Chromium against the real API and PostgreSQL with sign-in required:
 * an admin signs in, adds a campaign manager and a reviewer, turns on publish approval and creates an API key;
 * the campaign manager's publish becomes a request; the reviewer approves it from the inbox and finds it in the
 * audit log; then opens a run, sees its path on the canvas, its wait and signals, and replays its recorded
 * Temporal history against the current workflow code. Temporal is a stand-in that serves that recorded history.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Client } from '@temporalio/client';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import {
  customers,
  dormancyDailySnapshots,
  journeyDailyRollups,
  messages,
  runSteps,
  runs,
} from '@wakeflow/db';
import { TEST_WORKSPACE_ID } from '@wakeflow/db/testing';
import { ensureAdminAccount } from '../../api/src/http/admin-account';
import { launchChromium, startEditorServer, type AccountMail, type EditorServer } from './harness';

const resultsDir = fileURLToPath(new URL('../test-results', import.meta.url));
const fullHistory = JSON.parse(
  readFileSync(new URL('../../../workflows/histories/canonical-reactivated.json', import.meta.url), 'utf8'),
) as { events: Record<string, unknown>[] };
/** The recorded canonical run as it stood when the customer's login arrived: in its second 7-day wait, still running. */
const signalAt = fullHistory.events.findIndex((e) => 'workflowExecutionSignaledEventAttributes' in e);
const recordedHistory = { events: fullHistory.events.slice(0, signalAt + 1) };
const ADMIN = { email: 'ada@example.com', password: 'correct-horse-battery' };
const CAM = { email: 'cam@example.com', password: 'campaign-manager-pw' };
const RITA = { email: 'rita@example.com', password: 'reviewer-password-1' };
const sentMail: AccountMail[] = [];

function startServer(): Promise<EditorServer> {
  // Every run's history is the recorded canonical one: download and replay need nothing else from Temporal.
  const temporal = {
    workflow: { getHandle: () => ({ fetchHistory: async () => historyFromJSON(recordedHistory) }) },
  } as unknown as Client;
  return startEditorServer({
    authMode: 'required',
    temporal,
    mailer: { send: async (mail) => void sentMail.push(mail) },
    prepare: (database) => ensureAdminAccount(database.db, TEST_WORKSPACE_ID, ADMIN).then(() => undefined),
  });
}

describe('review and people in Chromium', () => {
  let server: EditorServer;
  let browser: Browser;
  let page: Page;
  let journeyId: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signIn(who: { email: string; password: string }): Promise<void> {
    await page.goto(`${server.url}/#/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Email', { exact: true }).fill(who.email);
    await page.getByLabel('Password', { exact: true }).fill(who.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('principal').waitFor();
  }

  async function signOut(): Promise<void> {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  }

  /** The admin invites; the invitee opens the link in their own browser and chooses their own password. */
  async function addPerson(email: string, name: string, password: string, role: string): Promise<void> {
    const form = page.getByRole('form', { name: 'Invite a person' });
    await form.getByLabel('Email', { exact: true }).fill(email);
    await form.getByLabel('Name', { exact: true }).fill(name);
    // Campaign manager is preselected: switch it off unless that is the role wanted.
    if (role !== 'Campaign manager') await form.getByLabel('Campaign manager').uncheck();
    if (role !== 'Campaign manager') await form.getByLabel(role).check();
    await form.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByTestId(`invitation-${email}`).waitFor();
    const mail = sentMail.find((m) => m.to === email && m.kind === 'invitation')!;
    const invitee = await browser.newContext();
    try {
      const theirs = await invitee.newPage();
      await theirs.goto(mail.link);
      await theirs.getByLabel('Choose a password').fill(password);
      await theirs.getByRole('button', { name: /Accept the invitation/ }).click();
      await theirs.getByTestId('principal').waitFor();
    } finally {
      await invitee.close();
    }
    await page.reload();
    await page.getByTestId(`person-${email}`).waitFor();
  }

  it('asks for sign-in, and an admin adds people, turns on approval and creates an API key', async () => {
    await signIn(ADMIN);
    expect(await page.getByTestId('principal').textContent()).toContain('Admin');
    await page.getByRole('link', { name: 'Team' }).click();
    await page.getByRole('form', { name: 'Invite a person' }).waitFor();
    await addPerson(CAM.email, 'Cam', CAM.password, 'Campaign manager');
    await addPerson(RITA.email, 'Rita', RITA.password, 'Reviewer');
    const approval = page.getByLabel('Publishing needs approval');
    // The switch shows the saved setting: it turns on once the server has stored it, not on the click itself.
    await approval.click();
    await expect.poll(() => approval.isChecked(), { timeout: 10_000 }).toBe(true);

    await page.getByRole('link', { name: 'API keys' }).click();
    // The team page also has a Name field: wait for the keys page before filling, or the name lands in the old form.
    await page.getByRole('button', { name: 'Create key' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Shop events');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = await page.getByTestId('new-key-value').textContent();
    expect(key).toMatch(/^wfk_.{43}$/);
    await expect.poll(() => page.getByTestId('api-keys-table').textContent()).toContain('Shop events');
    // The key is accepted on ingest (the body is checked, not refused) and nowhere else; only creation showed it.
    const ingest = await fetch(`${server.url}/api/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(ingest.status).toBe(400);
    const read = await fetch(`${server.url}/api/journeys`, { headers: { authorization: `Bearer ${key}` } });
    expect(read.status).toBe(403);
    await page.reload();
    await page.getByTestId('api-keys-table').waitFor();
    expect(await page.getByTestId('new-key').count()).toBe(0);

    // A journey to publish, made by the admin (the CSRF token comes from /auth/me).
    const me = (await (await page.request.get(`${server.url}/api/auth/me`)).json()) as { csrfToken: string };
    const created = await page.request.post(`${server.url}/api/journeys`, {
      data: { name: 'Win back', templateId: 'win-back-30d' },
      headers: { 'x-csrf-token': me.csrfToken },
    });
    expect(created.status()).toBe(201);
    journeyId = ((await created.json()) as { id: string }).id;
    const noToken = await page.request.post(`${server.url}/api/journeys`, {
      data: { name: 'No token', templateId: 'win-back-30d' },
    });
    expect(noToken.status()).toBe(403);
    await signOut();
  });

  it("turns a campaign manager's publish into a request, which a reviewer approves from the inbox", async () => {
    await signIn(CAM);
    await page.goto(`${server.url}/#/journeys/${journeyId}`);
    const publish = page.getByRole('button', { name: 'Publish' });
    await expect.poll(() => publish.isEnabled(), { timeout: 15_000 }).toBe(true);
    await publish.click();
    await page
      .getByRole('dialog', { name: 'Publish and go live?' })
      .getByRole('button', { name: 'Publish', exact: true })
      .click();
    await page.getByTestId('approval-requested').waitFor();
    // A campaign manager may not read the audit log: the tab says why.
    await page.goto(`${server.url}/#/team/audit`);
    await page.getByText(/Your role does not allow this: needs “Read the audit log”/).waitFor();
    await signOut();

    await signIn(RITA);
    await page.goto(`${server.url}/#/team/approvals`);
    await page
      .getByTestId('approvals-inbox')
      .getByRole('link', { name: /Win back/ })
      .click();
    await page.getByTestId('approval-detail').waitFor();
    expect(await page.getByTestId('approval-diff').textContent()).toContain('Added step');
    await page.getByTestId('approval-valid').waitFor();
    // A reviewer may not add people: no form, a reason instead.
    await page.getByLabel('Comment').fill('Looks right');
    await page.getByRole('button', { name: 'Approve and publish' }).click();
    await expect
      .poll(() => page.getByTestId('approval-decision').textContent(), { timeout: 15_000 })
      .toContain('published as version 1');
    await page.screenshot({ path: `${resultsDir}/approvals.png` });

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByLabel('Action').fill('publish.approved');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => page.getByTestId('audit-table').locator('tbody tr').count()).toBe(1);
    expect(await page.getByTestId('audit-table').textContent()).toContain('Rita');

    await page.getByRole('link', { name: 'People & roles' }).click();
    await page.getByTestId('people-table').waitFor();
    expect(await page.getByRole('form', { name: 'Add a person' }).count()).toBe(0);
    await page.getByText(/needs “Add and remove people, change their roles”/).waitFor();
  });

  it('finds a run, draws its path on the canvas with its wait and signals, and replays its history', async () => {
    const db = server.database.db;
    const [customer] = await db
      .insert(customers)
      .values({ workspaceId: TEST_WORKSPACE_ID, externalId: 'cust-42', email: 'c42@example.com' })
      .returning();
    const t = (minutes: number) => new Date(Date.now() - 60 * 60_000 + minutes * 60_000);
    const [run] = await db
      .insert(runs)
      .values({
        workspaceId: TEST_WORKSPACE_ID,
        workflowId: `journey/${TEST_WORKSPACE_ID}/${journeyId}/v1/${customer!.id}/1`,
        journeyId,
        version: 1,
        customerId: customer!.id,
        entry: 1,
        status: 'running',
        currentNodeId: 'wait_second',
        startedAt: t(0),
      })
      .returning();
    const path: [string, string | null][] = [
      ['trigger', 'next'],
      ['gift_email', 'next'],
      ['gift_sms', 'next'],
      ['wait_return', 'timeout'],
      ['second_push', 'next'],
      ['second_email', 'next'],
      ['wait_second', null],
    ];
    await db.insert(runSteps).values(
      path.map(([nodeId, outcome], i) => ({
        workspaceId: TEST_WORKSPACE_ID,
        runId: run!.id,
        nodeId,
        seq: i + 1,
        enteredAt: t(i),
        leftAt: outcome ? t(i + 1) : null,
        outcome,
      })),
    );
    await db.insert(messages).values({
      workspaceId: TEST_WORKSPACE_ID,
      idempotencyKey: `${run!.id}/gift_email`,
      runId: run!.id,
      journeyId,
      nodeId: 'gift_email',
      customerId: customer!.id,
      channel: 'email',
      status: 'sent',
      sentAt: t(1),
    });

    await page.getByRole('link', { name: 'Runs', exact: true }).click();
    await page.getByLabel('Journey').selectOption(journeyId);
    await page.getByLabel('Status').selectOption('running');
    await page.getByRole('textbox', { name: 'Customer' }).fill('cust-42');
    await page.getByRole('button', { name: 'Find customer' }).click();
    await expect.poll(() => page.evaluate(() => window.location.hash)).toContain('customerId=');
    await page.getByTestId('runs-table').getByRole('link', { name: 'cust-42' }).click();

    await page.getByTestId('step-gift_email').waitFor();
    const classOf = (id: string) => page.locator(`.react-flow__node[data-id="${id}"]`).getAttribute('class');
    expect(await classOf('gift_email')).toContain('run-visited');
    expect(await classOf('wait_second')).toContain('run-current');
    expect(await classOf('wait_return_login')).toContain('run-unvisited');
    expect(await page.locator('.react-flow__edge.run-taken').count()).toBe(6);
    expect(await page.getByTestId('run-timeline').locator('li').count()).toBe(7);
    expect(await page.getByTestId('run-timeline').textContent()).toContain('email · sent');
    // From the (recorded) history: the login signal and the 7-day wait.
    await expect.poll(() => page.getByTestId('signals').textContent()).toContain('login');
    expect(await page.getByTestId('current-wait').textContent()).toContain('7 days');

    const download = page.waitForEvent('download');
    await page.getByTestId('download-history').click();
    const file = await (await download).path();
    expect((JSON.parse(readFileSync(file, 'utf8')) as { events: unknown[] }).events).toHaveLength(
      signalAt + 1,
    );

    await page.getByRole('button', { name: 'Replay against current code' }).click();
    await expect
      .poll(() => page.getByTestId('replay-report').textContent(), { timeout: 120_000 })
      .toContain('the current code makes the same decisions');
    await page.screenshot({ path: `${resultsDir}/run-review.png` });
  });

  it('shows results for the journey and the workspace', async () => {
    const db = server.database.db;
    // Rollups of an A/B split with a holdout over three past days, and a week of dormancy snapshots: the charts
    // must draw one line per arm plus the holdout, cost bars per arm, and the stacked stages over time.
    const rollup = (day: string, arm: string, holdout: boolean, entered: number, converted: number) => ({
      workspaceId: TEST_WORKSPACE_ID,
      journeyId,
      version: 1,
      day,
      arm,
      holdout,
      entered,
      converted,
      messaged: holdout ? 0 : entered,
      messagesSent: holdout ? 0 : entered,
      costMicros: holdout ? 0 : entered * 50_000,
    });
    await db
      .insert(journeyDailyRollups)
      .values(
        ['2026-10-01', '2026-10-02', '2026-10-03'].flatMap((day, i) => [
          rollup(day, 's=a', false, 40, 6 + i),
          rollup(day, 's=b', false, 40, 9 + i),
          rollup(day, 's=a', true, 10, 1),
        ]),
      );
    const week = Array.from({ length: 7 }, (_, i) =>
      new Date(Date.now() - i * 86_400_000).toISOString().slice(0, 10),
    );
    await db.insert(dormancyDailySnapshots).values(
      week.flatMap((day, i) => [
        { workspaceId: TEST_WORKSPACE_ID, day, stage: 'active', valueTier: 'high', customers: 30 + i },
        { workspaceId: TEST_WORKSPACE_ID, day, stage: 'dormant_1_3m', valueTier: 'mid', customers: 20 },
        {
          workspaceId: TEST_WORKSPACE_ID,
          day,
          stage: 'dormant_12m_plus',
          valueTier: 'low',
          customers: 50 - i,
        },
      ]),
    );

    await page.goto(`${server.url}/#/journeys/${journeyId}/results`);
    await page.getByTestId('results-kpis').waitFor();
    expect(await page.getByTestId('kpi-rate').textContent()).toContain('Reactivation rate');
    await page.getByTestId('figures-table').waitFor();
    const armDays = page.getByTestId('arm-days-chart');
    // Four lines: the run of the previous test (before any split), the two arms, and the holdout.
    await expect.poll(() => armDays.locator('.recharts-line').count()).toBe(4);
    expect(await armDays.locator('.recharts-legend-wrapper').textContent()).toMatch(
      /No split.*s: a.*s: b.*Holdout/,
    );
    await expect
      .poll(() => page.getByTestId('cost-chart').locator('.recharts-bar-rectangle').count())
      .toBeGreaterThanOrEqual(4);
    await page.screenshot({ path: `${resultsDir}/journey-results.png`, fullPage: true });

    await page.goto(`${server.url}/#/results`);
    await expect.poll(() => page.getByTestId('journey-results-table').textContent()).toContain('Win back');
    const history = page.getByTestId('dormancy-history');
    await expect.poll(() => history.locator('.recharts-area').count()).toBeGreaterThanOrEqual(3);
    expect(await history.locator('.recharts-legend-wrapper').textContent()).toMatch(
      /Active.*Dormant 1–3 months.*Dormant 12\+ months/,
    );
    await page.screenshot({ path: `${resultsDir}/results.png` });
    expect(pageErrors).toEqual([]);
  });
});
