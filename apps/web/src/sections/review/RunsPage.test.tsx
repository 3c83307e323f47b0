// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, screen, within } from '@testing-library/react';
import { fakeApi, renderWithClient } from '../audience/test-support';
import { RunsPage } from './RunsPage';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const run = {
  id: 'r1',
  workflowId: 'wf-1',
  journeyId: 'j1',
  version: 2,
  customerId: 'c1',
  customerExternalId: 'cust-1',
  entry: 1,
  status: 'running',
  outcome: null,
  holdout: false,
  currentNodeId: 'gift_sms',
  arms: {},
  startedAt: '2026-01-01T00:00:00Z',
  endedAt: null,
  endedReason: null,
};

const version = {
  version: 2,
  planHash: 'h',
  publishedAt: '2026-01-01T00:00:00Z',
  graph: {
    nodes: [
      { id: 't', type: 'api_trigger', config: {} },
      {
        id: 'gift_sms',
        type: 'send',
        name: 'Return gift SMS',
        config: { channel: 'sms', templateId: 'gift' },
      },
    ],
    edges: [{ source: 't', outcome: 'next', target: 'gift_sms' }],
  },
  settings: {},
};

describe('runs page', () => {
  it('asks for no versions without a journey filter and names the step a run is at', async () => {
    const api = fakeApi({
      'GET /api/journeys': () => ({ journeys: [] }),
      'GET /api/runs': () => ({ runs: [run] }),
      'GET /api/journeys/j1/versions/2': () => version,
    });
    renderWithClient(<RunsPage filters={{}} />);
    const row = (await screen.findByText('cust-1')).closest('tr')!;
    expect(await within(row).findByText('Return gift SMS')).toBeTruthy();
    expect(within(row).queryByText('gift_sms')).toBeNull();
    expect(api.requests.map((r) => r.path)).not.toContain('/api/journeys//versions');
  });
});
