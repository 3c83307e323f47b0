// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { CustomersPage } from './CustomersPage';
import { fakeApi, renderWithClient } from './test-support';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const customer = (n: number) => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  externalId: `cust-${n}`,
  email: `c${n}@example.com`,
  firstName: `Name${n}`,
  lastName: null,
  valueTier: 'mid',
  lastActivityAt: '2026-11-01T00:00:00Z',
});

describe('customers page', () => {
  it('pages through every customer by cursor and stops when the API has no next page', async () => {
    const firstPage = Array.from({ length: 50 }, (_, i) => customer(i + 1));
    const cursor = firstPage[49]!.id;
    const { requests } = fakeApi({
      'GET /api/customers': ({ path }) =>
        new URLSearchParams(path.split('?')[1]).get('after') === cursor
          ? { customers: [customer(51), customer(52)], next: null }
          : { customers: firstPage, next: cursor },
    });
    renderWithClient(<CustomersPage />);
    const table = await screen.findByRole('table', { name: 'Customers' });
    expect(within(table).getAllByRole('row')).toHaveLength(51);
    expect(screen.getByText('Showing 50 customers.')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Show 50 more' }));
    await screen.findByText('cust-52');
    expect(within(table).getAllByRole('row')).toHaveLength(53);
    // Who is signed in (for the import button) is asked too; the customer pages are what this test is about.
    expect(requests.map((r) => r.path).filter((p) => p.startsWith('/api/customers'))).toEqual([
      '/api/customers?limit=50',
      `/api/customers?limit=50&after=${cursor}`,
    ]);
    expect(screen.queryByRole('button', { name: 'Show 50 more' })).toBeNull();
  });
});
