// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { DormancyHistoryChart } from './DormancyHistoryChart';
import { fakeApi, renderWithClient } from './test-support';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const empty = {
  from: '2026-01-01',
  to: '2026-12-31',
  stages: ['active'],
  tiers: ['high'],
  days: [],
  cells: [],
};

describe('DormancyHistoryChart', () => {
  it('asks for the last year, refetches with the tier filter, and says when there are no snapshots', async () => {
    const api = fakeApi({ 'GET /api/audience/dormancy/history': () => empty });
    renderWithClient(<DormancyHistoryChart />);
    await screen.findByText(/No snapshots in this range yet/);
    const first = api.requests[0]!.path;
    expect(first).toMatch(
      /^\/api\/audience\/dormancy\/history\?from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}$/,
    );
    expect((screen.getByRole('button', { name: /CSV/ }) as HTMLButtonElement).disabled).toBe(true);

    fireEvent.change(screen.getByLabelText('Value tier'), { target: { value: 'high' } });
    await waitFor(() => expect(api.requests.at(-1)!.path).toMatch(/&tier=high$/));
  });

  it('exports the charted rows as CSV', async () => {
    fakeApi({
      'GET /api/audience/dormancy/history': () => ({
        ...empty,
        days: ['2026-05-01'],
        cells: [{ day: '2026-05-01', stage: 'active', tier: 'high', customers: 4 }],
      }),
    });
    const created: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => (created.push(b as Blob), 'blob:x'));
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    renderWithClient(<DormancyHistoryChart />);
    const button = await screen.findByRole('button', { name: /CSV/ });
    await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(button);
    expect(await created[0]!.text()).toBe('day,active,total\r\n2026-05-01,4,4\r\n');
  });
});
