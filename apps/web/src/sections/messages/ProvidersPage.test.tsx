// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ProvidersPage } from './ProvidersPage';
import { fakeApi, renderWithClient } from '../audience/test-support';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const smtpKind = {
  kind: 'smtp',
  label: 'SMTP',
  channels: ['email'],
  settingsSchema: {
    type: 'object',
    properties: {
      host: { type: 'string' },
      port: { type: 'number', default: 587 },
      fromAddress: { type: 'string' },
    },
    required: ['host', 'fromAddress'],
  },
  secretsSchema: { type: 'object', properties: { password: { type: 'string' } } },
};
const provider = {
  id: 'main-smtp',
  channel: 'email',
  kind: 'smtp',
  settings: { host: 'smtp.example.com', port: 587, fromAddress: 'hi@example.com' },
  secretsSet: ['password'],
  unitCostMicros: 0,
  isDefault: true,
  updatedAt: '2026-01-01T00:00:00Z',
};

function api() {
  return fakeApi({
    'GET /api/providers': () => ({
      providers: [provider],
      effective: [
        { channel: 'email', providerId: 'main-smtp', kind: 'smtp', isDevelopmentLog: false, label: 'SMTP' },
        { channel: 'sms', providerId: 'log', kind: 'log', isDevelopmentLog: true, label: 'Development log' },
        { channel: 'push', providerId: 'log', kind: 'log', isDevelopmentLog: true, label: 'Development log' },
      ],
    }),
    'GET /api/provider-kinds': () => ({ kinds: [smtpKind] }),
    'PATCH /api/providers/main-smtp': (r) => ({ provider: { ...provider, ...(r.body as object) } }),
  });
}

describe('providers page', () => {
  it('says which channels only go to the development log, and shows secrets as set, never their values', async () => {
    api();
    renderWithClient(<ProvidersPage />);
    expect((await screen.findByTestId('effective-sms')).textContent).toContain('Nothing is delivered');
    expect(screen.getByTestId('effective-email').textContent).toContain('main-smtp');
    const table = screen.getByRole('table', { name: 'Providers' });
    expect(within(table).getByText('password: set')).toBeTruthy();
  });

  it('edits settings and sends only the secrets that were typed', async () => {
    const user = userEvent.setup();
    const { requests } = api();
    renderWithClient(<ProvidersPage />);
    await user.click(await screen.findByRole('button', { name: 'Edit' }));
    const dialog = await screen.findByRole('dialog');
    const secret = within(dialog).getByLabelText(/password/) as HTMLInputElement;
    expect(secret.value).toBe('');
    expect(secret.placeholder).toBe('Set — type to replace');
    await user.click(within(dialog).getByRole('button', { name: 'Save provider' }));
    await waitFor(() => expect(requests.filter((r) => r.method === 'PATCH')).toHaveLength(1));
    expect(requests.find((r) => r.method === 'PATCH')!.body).toEqual({
      settings: provider.settings,
      secrets: {},
      isDefault: true,
    });

    await user.click(await screen.findByRole('button', { name: 'Edit' }));
    const again = await screen.findByRole('dialog');
    await user.type(within(again).getByLabelText(/password/), 'n3w-secret');
    await user.click(within(again).getByRole('button', { name: 'Save provider' }));
    await waitFor(() => expect(requests.filter((r) => r.method === 'PATCH')).toHaveLength(2));
    expect((requests.filter((r) => r.method === 'PATCH')[1]!.body as { secrets: unknown }).secrets).toEqual({
      password: 'n3w-secret',
    });
  });
});
