// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { SegmentBuilder } from './SegmentsPage';
import { fakeApi, renderWithClient } from './test-support';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const fields = [
  { field: 'email', label: 'Email', type: 'text' },
  { field: 'facts.valueTier', label: 'Value tier', type: 'enum', values: ['high', 'mid', 'low'] },
  {
    field: 'facts.dormancyStage',
    label: 'Dormancy stage',
    type: 'enum',
    values: ['active', 'dormant_1_3m', 'dormant_3_6m'],
  },
  { field: 'facts.purchaseCount', label: 'Purchases (lifetime)', type: 'number' },
  { field: 'facts.logins_30d', label: 'logins in the last 30 days', type: 'number' },
];
const sample = [
  {
    id: 'c1',
    externalId: 'cust-1',
    email: null,
    firstName: 'Ada',
    lastName: 'Lovelace',
    lastActivityAt: null,
    valueTier: 'high',
  },
];

function api(preview: (body: { definition: unknown }) => unknown) {
  return fakeApi({
    'GET /api/segments/fields': () => ({ fields }),
    'GET /api/segments': () => ({
      segments: [
        {
          id: 'buyers',
          name: 'Buyers',
          definition: { kind: 'tag', tag: 'b', has: true },
          createdAt: '2026-01-01T00:00:00Z',
          updatedAt: '2026-01-01T00:00:00Z',
        },
      ],
    }),
    'GET /api/event-names': () => ({ events: ['login', 'purchase'] }),
    'POST /api/segments/preview': (r) => preview(r.body as { definition: unknown }),
    'POST /api/segments': (r) => ({
      status: 201,
      body: {
        segment: {
          id: 'high-value',
          ...(r.body as object),
          createdAt: '2026-01-01T00:00:00Z',
          updatedAt: '2026-01-02T00:00:00Z',
        },
      },
    }),
  });
}

describe('segment builder', () => {
  it('shows the live count and sample, and recounts after an edit (debounced: one request per settled tree)', async () => {
    const user = userEvent.setup();
    const { requests } = api((body) => ({
      count: JSON.stringify(body.definition).includes('"high"') ? 42 : 7,
      sample,
      tookMs: 3,
    }));
    renderWithClient(
      <SegmentBuilder
        id={null}
        initialName=""
        initialDefinition={{
          kind: 'and',
          conditions: [{ kind: 'trait', field: 'facts.dormancyStage', op: 'eq', value: 'dormant_1_3m' }],
        }}
      />,
    );
    expect(await screen.findByTestId('segment-count', {}, { timeout: 3000 })).toHaveProperty(
      'textContent',
      '7',
    );
    expect(screen.getByText('Ada Lovelace')).toBeTruthy();

    await waitFor(() => expect(screen.getByRole('option', { name: 'Value tier' })).toBeTruthy());
    await user.selectOptions(screen.getByLabelText('Field'), 'facts.valueTier');
    expect((screen.getByLabelText('Value') as HTMLSelectElement).value).toBe('high');
    await waitFor(() => expect(screen.getByTestId('segment-count').textContent).toBe('42'), {
      timeout: 3000,
    });
    const previews = requests.filter((r) => r.path === '/api/segments/preview');
    expect(previews).toHaveLength(2);
    expect(previews[1]!.body).toEqual({
      definition: {
        kind: 'and',
        conditions: [{ kind: 'trait', field: 'facts.valueTier', op: 'eq', value: 'high' }],
      },
      sampleSize: 10,
    });
  });

  it('builds an OR group with an event count and a NOT, and shows the API problem on the node it names', async () => {
    const user = userEvent.setup();
    const { requests } = api((body) => {
      const def = body.definition as { conditions: { kind: string }[] };
      return def.conditions.length > 1
        ? {
            status: 400,
            body: {
              error: {
                code: 'invalid_condition',
                message: 'bad',
                issues: [
                  { path: 'conditions.1.conditions.1.condition.segmentId', message: 'Choose a segment' },
                ],
              },
            },
          }
        : { count: 1, sample: [], tookMs: 1 };
    });
    renderWithClient(
      <SegmentBuilder
        id={null}
        initialName=""
        initialDefinition={{
          kind: 'and',
          conditions: [{ kind: 'trait', field: 'facts.valueTier', op: 'eq', value: 'high' }],
        }}
      />,
    );
    await screen.findByTestId('segment-count', {}, { timeout: 3000 });
    await user.click(screen.getAllByRole('button', { name: '+ Group' })[0]!);
    const groups = screen.getAllByTestId('condition-group');
    const inner = groups[1]!;
    // The new group is OR with one attribute row: make it "login happened fewer than 3 times in the last 26 weeks".
    await user.selectOptions(within(inner).getByLabelText('Condition type'), 'event');
    await user.selectOptions(within(inner).getByLabelText('Count comparison'), 'lt');
    const times = within(inner).getByLabelText('Times');
    await user.clear(times);
    await user.type(times, '3');
    await user.click(within(inner).getByRole('button', { name: '+ Condition' }));
    const rows = within(inner).getAllByTestId('condition-row');
    await user.selectOptions(within(rows[1]!).getByLabelText('Condition type'), 'segment');
    await user.click(within(rows[1]!).getByRole('button', { name: 'NOT' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('Choose a segment'), {
      timeout: 3000,
    });
    // The problem sits on the segment leaf inside the NOT, the node it names.
    expect(screen.getByRole('alert').closest('[data-path]')?.getAttribute('data-path')).toBe(
      'conditions.1.conditions.1.condition',
    );
    const last = requests.filter((r) => r.path === '/api/segments/preview').at(-1)!.body as {
      definition: unknown;
    };
    expect(last.definition).toEqual({
      kind: 'and',
      conditions: [
        { kind: 'trait', field: 'facts.valueTier', op: 'eq', value: 'high' },
        {
          kind: 'or',
          conditions: [
            {
              kind: 'event',
              event: 'login',
              window: { type: 'last', duration: { amount: 30, unit: 'days' } },
              count: { op: 'lt', value: 3 },
            },
            { kind: 'not', condition: { kind: 'segment', segmentId: '', member: true } },
          ],
        },
      ],
    });
  });

  it('saves a new segment with its name and tree', async () => {
    const user = userEvent.setup();
    const { requests } = api(() => ({ count: 3, sample: [], tookMs: 1 }));
    renderWithClient(
      <SegmentBuilder
        id={null}
        initialName=""
        initialDefinition={{ kind: 'and', conditions: [{ kind: 'tag', tag: 'vip', has: true }] }}
      />,
    );
    const save = screen.getByRole('button', { name: 'Save segment' });
    expect((save as HTMLButtonElement).disabled).toBe(true);
    await user.type(screen.getByLabelText('Segment name'), 'High value');
    await user.click(save);
    await waitFor(() =>
      expect(requests.some((r) => r.method === 'POST' && r.path === '/api/segments')).toBe(true),
    );
    expect(requests.find((r) => r.method === 'POST' && r.path === '/api/segments')!.body).toEqual({
      id: 'high-value',
      name: 'High value',
      definition: { kind: 'and', conditions: [{ kind: 'tag', tag: 'vip', has: true }] },
    });
    await waitFor(() => expect(window.location.hash).toBe('#/audience/segments/high-value'));
  });
});
