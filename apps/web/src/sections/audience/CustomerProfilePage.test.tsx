// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, screen, within } from '@testing-library/react';
import { CustomerProfilePage } from './CustomerProfilePage';
import { DormancyOverviewView, dormancyCsv, dormancyRows } from './DormancyPage';
import { fakeApi, renderWithClient } from './test-support';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const profile = {
  id: 'c1',
  externalId: 'cust-1',
  email: 'ada@example.com',
  phone: null,
  timezone: 'Asia/Shanghai',
  birthday: '1990-05-17',
  firstName: 'Ada',
  lastName: 'Lovelace',
  signedUpAt: '2024-01-01T00:00:00Z',
  consent: { email: true, sms: false },
  traits: { city: 'Hangzhou', plan: { tier: 'gold' } },
  tags: ['vip'],
  facts: {
    lastActivityAt: '2026-01-01T00:00:00Z',
    lastLoginAt: null,
    lastPurchaseAt: '2025-12-01T00:00:00Z',
    purchaseCount: 4,
    totalSpend: 320,
    rfm: { recency: 4, frequency: 3, monetary: 5 },
    valueTier: 'high',
    dormancyStage: 'dormant_3_6m',
    windows: [{ days: 30, purchases: 0, spend: 0, logins: 0, activeDays: 0 }],
  },
  timeline: [
    {
      kind: 'event',
      at: '2026-01-01T00:00:00Z',
      eventId: 'e1',
      name: 'purchase',
      properties: { amount: 80 },
    },
    {
      kind: 'message',
      at: '2026-01-02T00:00:00Z',
      messageId: 'm1',
      channel: 'email',
      status: 'sent',
      templateId: 'gift',
      journeyId: 'j1',
      subject: 'A gift',
    },
  ],
  journeys: [
    {
      runId: 'r1',
      journeyId: 'j1',
      journeyName: 'Win back',
      version: 2,
      entry: 1,
      status: 'running',
      outcome: null,
      startedAt: '2026-01-01T00:00:00Z',
      endedAt: null,
      currentNodeId: 'wait',
    },
  ],
};

describe('customer profile', () => {
  it('shows facts, traits, journeys and the timeline', async () => {
    fakeApi({
      'GET /api/customers/c1': () => ({ customer: profile }),
      'GET /api/journeys/j1/versions/2': () => ({
        version: 2,
        planHash: 'h',
        publishedAt: '2026-01-01T00:00:00Z',
        graph: {
          nodes: [{ id: 'wait', type: 'wait_for_event', name: 'Wait for return', config: {} }],
          edges: [],
        },
        settings: {},
      }),
    });
    renderWithClient(<CustomerProfilePage id="c1" />);
    const page = await screen.findByTestId('customer-profile');
    // Where the customer is, by the step's name, never its id.
    expect(await within(page).findByText(/· at Wait for return$/)).toBeTruthy();
    expect(within(page).getByText('Dormant 3–6 months')).toBeTruthy();
    expect(within(page).getByText('High value')).toBeTruthy();
    expect(within(page).getByText('4·3·5')).toBeTruthy();
    expect(within(page).getByText('Hangzhou')).toBeTruthy();
    expect(within(page).getByText('{"tier":"gold"}')).toBeTruthy();
    expect(within(page).getByRole('link', { name: 'Win back' }).getAttribute('href')).toBe(
      '#/journeys/j1/versions/2',
    );
    const timeline = within(page).getByRole('list', { name: 'Timeline' });
    expect(
      within(timeline)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([expect.stringContaining('purchase'), expect.stringContaining('“A gift”')]);
    expect(within(page).getByRole('link', { name: 'All messages' }).getAttribute('href')).toBe(
      '#/messages/log?customerId=c1',
    );
  });

  it('says in words when the customer does not exist', async () => {
    fakeApi({
      'GET /api/customers/nope': () => ({
        status: 404,
        body: { error: { code: 'not_found', message: 'Customer not found' } },
      }),
    });
    renderWithClient(<CustomerProfilePage id="nope" />);
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Could not load this customer: Customer not found',
    );
  });
});

describe('dormancy overview', () => {
  const data = {
    at: '2026-01-01T00:00:00Z',
    stages: ['active', 'dormant_1_3m'],
    tiers: ['high', 'low'],
    cells: [
      { stage: 'active', tier: 'high', customers: 3 },
      { stage: 'active', tier: 'low', customers: 1 },
      { stage: 'dormant_1_3m', tier: 'high', customers: 0 },
      { stage: 'dormant_1_3m', tier: 'low', customers: 5 },
    ],
    total: 9,
    stageBoundariesDays: [30, 90, 180, 365],
  };
  it('turns cells into one row per stage and shows the table behind the chart', () => {
    expect(dormancyRows(data)).toEqual([
      { stage: 'active', label: 'Active', high: 3, low: 1, total: 4 },
      { stage: 'dormant_1_3m', label: 'Dormant 1–3 months', high: 0, low: 5, total: 5 },
    ]);
    vi.stubGlobal(
      'ResizeObserver',
      class {
        observe() {}
        unobserve() {}
        disconnect() {}
      },
    );
    renderWithClient(<DormancyOverviewView data={data} />);
    const table = screen.getByRole('table', { name: 'Customers by stage and tier' });
    expect(within(table).getAllByRole('row')[2]!.textContent).toBe('Dormant 1–3 months055');
  });

  it('exports the table as CSV', () => {
    expect(dormancyCsv(data)).toBe('stage,high,low,total\r\nactive,3,1,4\r\ndormant_1_3m,0,5,5\r\n');
  });
});
