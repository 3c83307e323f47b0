// @vitest-environment happy-dom
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App } from '../../App';
import { setCsrfToken } from '../../api/client';
import { approvalKeys, authKeys, peopleKeys, type ApprovalDetail, type Me } from '../../api/people';
import { ApprovalsPage } from './ApprovalsPage';
import { accessFrom } from './access';

type Handler = (init: RequestInit | undefined, url: string) => { status: number; body?: unknown };
let routes: Record<string, Handler>;
const calls: { url: string; init: RequestInit | undefined }[] = [];

beforeEach(() => {
  calls.length = 0;
  routes = {};
  vi.stubGlobal('fetch', async (input: string, init?: RequestInit) => {
    calls.push({ url: input, init });
    const key = `${init?.method ?? 'GET'} ${input.split('?')[0]}`;
    const answer = routes[key]?.(init, input) ?? {
      status: 404,
      body: { error: { code: 'not_found', message: `no ${key}` } },
    };
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'content-type': 'application/json' },
    });
  });
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  setCsrfToken(undefined);
});

const rolesInfo = {
  roles: [
    {
      id: 'reviewer',
      label: 'Reviewer',
      description: 'Reviews',
      permissions: ['workspace.read', 'journeys.approve'],
    },
  ],
  permissions: {
    'journeys.approve': 'Approve or reject a publish request, with a comment',
    'workspace.read': 'Read everything',
  },
  apiKeyScopes: {},
};
const user = (permissions: string[]): Me => ({
  kind: 'user',
  user: { id: 'u-rev', email: 'rita@example.com', name: 'Rita' },
  workspaceId: 'default',
  roles: ['reviewer'],
  permissions,
  csrfToken: 'csrf-123',
  workspaces: [],
});
const approval = {
  id: 'req-1',
  journeyId: 'j-1',
  journeyName: 'Win-back',
  draftRevision: 4,
  baseVersion: 1,
  status: 'pending',
  requestedBy: 'user:u-cam',
  requestComment: 'New gift',
  requestedAt: '2024-05-01T10:00:00.000Z',
  decidedBy: null,
  decisionComment: null,
  decidedAt: null,
  version: null,
};
const detail: ApprovalDetail = {
  approval,
  liveVersion: 1,
  diffAgainstVersion: 1,
  diff: {
    nodes: { added: [{ id: 'gift_sms', type: 'send' }], removed: [], changed: [] },
    edges: { added: ['gift_email -next-> gift_sms'], removed: [] },
    settings: [],
    unchanged: false,
  },
  validation: { valid: true, problems: [] },
  graph: { nodes: [], edges: [] },
  settings: {},
};

function withClient(client: QueryClient, node: ReactNode) {
  return <QueryClientProvider client={client}>{node}</QueryClientProvider>;
}

function seeded(me: Me): QueryClient {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  client.setQueryData(authKeys.me, me);
  client.setQueryData(peopleKeys.roles, rolesInfo);
  client.setQueryData(peopleKeys.people, {
    people: [
      {
        userId: 'u-cam',
        email: 'cam@example.com',
        name: 'Cam',
        roles: ['campaign_manager'],
        signIn: { password: true, oidc: false },
        disabled: false,
        addedAt: '2024-01-01T00:00:00Z',
      },
    ],
  });
  client.setQueryData(approvalKeys.list('pending'), { approvals: [approval] });
  client.setQueryData(approvalKeys.detail('req-1'), detail);
  return client;
}

describe('access', () => {
  it('says why a control is off, from the permission description', () => {
    const access = accessFrom(['workspace.read'], rolesInfo.permissions);
    expect(access.can('workspace.read')).toBe(true);
    expect(access.reason('journeys.approve')).toBe(
      'Your role does not allow this: needs “Approve or reject a publish request, with a comment”',
    );
    expect(accessFrom([], undefined).reason('audit.read')).toBe(
      'Your role does not allow this (needs audit.read)',
    );
  });
});

describe('approvals inbox', () => {
  it('shows the diff and validation, and disables deciding for a role without approval, saying why', () => {
    render(withClient(seeded(user(['workspace.read'])), <ApprovalsPage selectedId="req-1" />));
    expect(screen.getByTestId('approval-diff').textContent).toContain('Added step gift_sms (send)');
    expect(screen.getByTestId('approval-valid')).toBeTruthy();
    expect(screen.getByText(/Requested by Cam/)).toBeTruthy();
    expect((screen.getByRole('button', { name: /Approve and publish/ }) as HTMLButtonElement).disabled).toBe(
      true,
    );
    expect(screen.getByText(/needs “Approve or reject a publish request/)).toBeTruthy();
  });

  it('rejects with a comment, sending the CSRF token', async () => {
    const ui = userEvent.setup();
    setCsrfToken('csrf-123');
    routes['POST /api/approvals/req-1/reject'] = () => ({
      status: 200,
      body: {
        approval: {
          ...approval,
          status: 'rejected',
          decidedBy: 'user:u-rev',
          decisionComment: 'Too generous',
        },
      },
    });
    render(
      withClient(seeded(user(['workspace.read', 'journeys.approve'])), <ApprovalsPage selectedId="req-1" />),
    );
    const reject = screen.getByRole('button', { name: /Reject/ }) as HTMLButtonElement;
    expect(reject.disabled).toBe(true);
    await ui.type(screen.getByLabelText('Comment'), 'Too generous');
    await ui.click(reject);
    await waitFor(() => expect(calls.some((c) => c.url === '/api/approvals/req-1/reject')).toBe(true));
    const call = calls.find((c) => c.url === '/api/approvals/req-1/reject')!;
    expect((call.init!.headers as Record<string, string>)['x-csrf-token']).toBe('csrf-123');
    expect(JSON.parse(call.init!.body as string)).toEqual({ comment: 'Too generous' });
  });
});

describe('signing in', () => {
  it('shows sign-in on 401 with the OIDC button, then the app with the signed-in person', async () => {
    const ui = userEvent.setup();
    routes['GET /api/auth/me'] = () => ({
      status: 401,
      body: { error: { code: 'sign_in_required', message: 'Sign in first' } },
    });
    routes['GET /api/auth/config'] = () => ({
      status: 200,
      body: {
        mode: 'required',
        methods: { password: true, oidc: { label: 'Acme SSO', startUrl: '/api/auth/oidc/start' } },
        csrfHeader: 'X-CSRF-Token',
      },
    });
    routes['POST /api/auth/sign-in'] = (init) => {
      const body = JSON.parse(init!.body as string) as { email: string; password: string };
      return body.password === 'right-password-1'
        ? { status: 200, body: user(['workspace.read', 'journeys.approve']) }
        : {
            status: 401,
            body: { error: { code: 'invalid_credentials', message: 'Wrong email or password' } },
          };
    };
    routes['GET /api/journeys'] = () => ({ status: 200, body: { journeys: [] } });
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(withClient(client, <App />));
    expect(await screen.findByRole('link', { name: 'Continue with Acme SSO' })).toBeTruthy();
    await ui.type(screen.getByLabelText('Email'), 'rita@example.com');
    await ui.type(screen.getByLabelText('Password'), 'wrong-password');
    await ui.click(screen.getByRole('button', { name: /^Sign in$/ }));
    expect(await screen.findByRole('alert')).toHaveProperty('textContent', 'Wrong email or password');
    await ui.clear(screen.getByLabelText('Password'));
    await ui.type(screen.getByLabelText('Password'), 'right-password-1');
    await ui.click(screen.getByRole('button', { name: /^Sign in$/ }));
    expect((await screen.findByTestId('principal')).textContent).toContain('Rita');
    // A later 401 (the session ended) brings sign-in back.
    routes['GET /api/journeys'] = () => ({
      status: 401,
      body: { error: { code: 'sign_in_required', message: 'Sign in first' } },
    });
    await client.invalidateQueries({ queryKey: ['journeys'] });
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeTruthy();
  });
});

describe('joining by invitation', () => {
  const lookup = (accountExists: boolean) => ({
    status: 200,
    body: {
      email: 'new@example.com',
      name: 'Nia',
      workspace: { id: 'default', name: 'Shop' },
      roles: ['reviewer'],
      expiresAt: '2030-01-01T00:00:00.000Z',
      accountExists,
    },
  });
  afterEach(() => window.history.replaceState(null, '', '/'));

  it('reads the link from the address, asks a new person to choose a password, and sends only the token and it', async () => {
    const ui = userEvent.setup();
    window.history.replaceState(null, '', '/accept-invitation#token=tok-123');
    routes['GET /api/auth/me'] = () => ({
      status: 401,
      body: { error: { code: 'sign_in_required', message: 'x' } },
    });
    routes['POST /api/auth/invitations/lookup'] = () => lookup(false);
    routes['POST /api/auth/invitations/accept'] = () => ({ status: 200, body: user(['workspace.read']) });
    render(withClient(new QueryClient({ defaultOptions: { queries: { retry: false } } }), <App />));
    expect(await screen.findByRole('heading', { name: 'Join Shop' })).toBeTruthy();
    await ui.type(screen.getByLabelText('Choose a password'), 'my own long passphrase');
    await ui.click(screen.getByRole('button', { name: /Accept the invitation/ }));
    await waitFor(() => expect(calls.some((c) => c.url === '/api/auth/invitations/accept')).toBe(true));
    const sent = JSON.parse(
      calls.find((c) => c.url === '/api/auth/invitations/accept')!.init!.body as string,
    );
    expect(sent).toEqual({ token: 'tok-123', password: 'my own long passphrase' });
  });

  it('asks an existing account for its own password, and shows the server’s answer by the field', async () => {
    const ui = userEvent.setup();
    window.history.replaceState(null, '', '/accept-invitation#token=tok-9');
    routes['GET /api/auth/me'] = () => ({
      status: 401,
      body: { error: { code: 'sign_in_required', message: 'x' } },
    });
    routes['POST /api/auth/invitations/lookup'] = () => lookup(true);
    routes['POST /api/auth/invitations/accept'] = () => ({
      status: 401,
      body: {
        error: {
          code: 'invalid_credentials',
          message: 'An account with new@example.com exists',
          issues: [{ path: 'body.password', message: 'Not the password of this account' }],
        },
      },
    });
    render(withClient(new QueryClient({ defaultOptions: { queries: { retry: false } } }), <App />));
    await ui.type(await screen.findByLabelText('Your Wakeflow password'), 'a wrong guess!');
    await ui.click(screen.getByRole('button', { name: /Accept the invitation/ }));
    expect((await screen.findByRole('alert')).textContent).toBe('Not the password of this account');
  });
});

describe('inviting a person', () => {
  it('sends no password, and says where the link went when no email provider is configured', async () => {
    const ui = userEvent.setup();
    routes['GET /api/people'] = () => ({ status: 200, body: { people: [], invitations: [] } });
    routes['GET /api/workspace'] = () => ({
      status: 200,
      body: { workspace: { id: 'default', name: 'Shop', settings: { requirePublishApproval: false } } },
    });
    routes['POST /api/people'] = () => ({
      status: 201,
      body: {
        invitation: {
          id: 'i-1',
          email: 'cam@example.com',
          name: '',
          roles: ['campaign_manager'],
          invitedBy: 'user:u-rev',
          createdAt: '2030-01-01T00:00:00.000Z',
          expiresAt: '2030-01-08T00:00:00.000Z',
        },
        delivery: 'server_log',
      },
    });
    const { PeoplePage } = await import('./PeoplePage');
    render(withClient(seeded(user(['workspace.read', 'people.manage'])), <PeoplePage />));
    const form = await screen.findByRole('form', { name: 'Invite a person' });
    expect(form.querySelector('input[type=password]')).toBeNull();
    await ui.type(screen.getByLabelText('Email'), 'cam@example.com');
    await ui.click(screen.getByRole('button', { name: 'Send invitation' }));
    expect((await screen.findByRole('status')).textContent).toMatch(/only in the API's log/);
    const sent = JSON.parse(calls.find((c) => c.url === '/api/people')!.init!.body as string);
    expect(sent).toEqual({ email: 'cam@example.com', roles: ['campaign_manager'] });
  });
});

describe('choosing a new password from a reset link', () => {
  afterEach(() => window.history.replaceState(null, '', '/'));

  it('sends the token from the address with the new password, then offers to sign in', async () => {
    const ui = userEvent.setup();
    window.history.replaceState(null, '', '/reset-password#token=reset-7');
    routes['GET /api/auth/me'] = () => ({
      status: 401,
      body: { error: { code: 'sign_in_required', message: 'x' } },
    });
    routes['POST /api/auth/password-reset/confirm'] = () => ({ status: 200, body: { ok: true } });
    render(withClient(new QueryClient({ defaultOptions: { queries: { retry: false } } }), <App />));
    await ui.type(await screen.findByLabelText('New password'), 'a brand new passphrase');
    await ui.click(screen.getByRole('button', { name: /Set the new password/ }));
    expect(await screen.findByRole('heading', { name: 'Password changed' })).toBeTruthy();
    const sent = JSON.parse(
      calls.find((c) => c.url === '/api/auth/password-reset/confirm')!.init!.body as string,
    );
    expect(sent).toEqual({ token: 'reset-7', password: 'a brand new passphrase' });
  });
});
