// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { setCsrfToken } from '../../api/client';
import { authKeys, peopleKeys, type Me } from '../../api/people';
import { resultKeys, type Experiment } from '../../api/review';
import { ExperimentSettingsForm } from './ExperimentSettingsForm';

type Handler = (init: RequestInit | undefined) => { status: number; body?: unknown };
let routes: Record<string, Handler>;
const calls: { url: string; init: RequestInit | undefined }[] = [];

beforeEach(() => {
  calls.length = 0;
  routes = {};
  vi.stubGlobal('fetch', async (input: string, init?: RequestInit) => {
    calls.push({ url: input, init });
    const key = `${init?.method ?? 'GET'} ${input.split('?')[0]}`;
    const answer = routes[key]?.(init) ?? {
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

const PUT_URL = '/api/journeys/j-1/versions/2/experiments/s';
const me = (permissions: string[]): Me => ({
  kind: 'user',
  user: { id: 'u-1', email: 'cam@example.com', name: 'Cam' },
  workspaceId: 'default',
  roles: ['campaign_manager'],
  permissions,
  csrfToken: 'csrf-1',
  workspaces: [],
});
const rolesInfo = {
  roles: [],
  permissions: { 'journeys.operate': 'Start, stop and tune running journeys' },
  apiKeyScopes: {},
};
const arm = (name: string, holdout = false) => ({
  arm: name,
  holdout,
  control: name === 'a',
  entered: 0,
  converted: 0,
  rate: null,
  rateInterval: null,
  chanceToBeatControl: null,
  cost: 0,
});
const experiment: Experiment = {
  splitStepId: 's',
  settings: { controlArm: 'a', autoWinner: false, alpha: 0.05, tau: 0.05, minPerArm: 200, maxDays: 30 },
  status: 'running',
  winnerArm: null,
  decidedAt: null,
  arms: [arm('a'), arm('b'), arm('control', true)],
  test: { state: 'running', reason: 'min_sample', comparisons: [] },
};

function renderForm(permissions: string[]) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  client.setQueryData(authKeys.me, me(permissions));
  client.setQueryData(peopleKeys.roles, rolesInfo);
  client.setQueryData(resultKeys.experiments('j-1', 2), { experiments: [experiment] });
  render(
    <QueryClientProvider client={client}>
      <ExperimentSettingsForm journeyId="j-1" version={2} experiment={experiment} />
    </QueryClientProvider>,
  );
  return client;
}

async function fill(ui: ReturnType<typeof userEvent.setup>, label: string | RegExp, value: string) {
  const input = screen.getByLabelText(label);
  await ui.clear(input);
  await ui.type(input, value);
}

describe('experiment settings form', () => {
  it('PUTs the settings as edited, with the CSRF token, and refreshes the experiments', async () => {
    const ui = userEvent.setup();
    setCsrfToken('csrf-1');
    routes[`PUT ${PUT_URL}`] = (init) => ({
      status: 200,
      body: { experiment: { splitStepId: 's', ...(JSON.parse(init!.body as string) as object) } },
    });
    routes['GET /api/journeys/j-1/versions/2/experiments'] = () => ({
      status: 200,
      body: { experiments: [experiment] },
    });
    const client = renderForm(['workspace.read', 'journeys.operate']);

    expect(
      within(screen.getByLabelText('Control arm'))
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['a', 'b', 'control (holdout)']);
    await ui.selectOptions(screen.getByLabelText('Control arm'), 'control');
    await ui.click(screen.getByLabelText('Pick the winner automatically'));
    await fill(ui, /Significance level/, '0.1');
    await fill(ui, 'Minimum per arm', '300');
    await fill(ui, 'Maximum days', '14');
    await ui.click(screen.getByText('Advanced'));
    await fill(ui, /Mixing spread/, '0.08');
    await ui.click(screen.getByRole('button', { name: 'Save settings' }));

    await waitFor(() => expect(calls.some((c) => c.url === PUT_URL)).toBe(true));
    const put = calls.find((c) => c.url === PUT_URL)!;
    expect(put.init!.method).toBe('PUT');
    expect((put.init!.headers as Record<string, string>)['x-csrf-token']).toBe('csrf-1');
    expect(JSON.parse(put.init!.body as string)).toEqual({
      controlArm: 'control',
      autoWinner: true,
      alpha: 0.1,
      tau: 0.08,
      minPerArm: 300,
      maxDays: 14,
    });
    await screen.findByText('Saved');
    expect(client.getQueryState(resultKeys.experiments('j-1', 2))?.isInvalidated).toBe(true);
  });

  it('shows the server’s field error next to the field that is wrong', async () => {
    const ui = userEvent.setup();
    routes[`PUT ${PUT_URL}`] = () => ({
      status: 400,
      body: {
        error: {
          code: 'invalid_request',
          message: 'Invalid body: body.alpha At most 0.2',
          issues: [{ path: 'body.alpha', message: 'At most 0.2' }],
        },
      },
    });
    renderForm(['workspace.read', 'journeys.operate']);
    await fill(ui, /Significance level/, '0.5');
    await ui.click(screen.getByRole('button', { name: 'Save settings' }));

    const error = await screen.findByText('At most 0.2');
    const alpha = screen.getByLabelText(/Significance level/);
    // In the α field's own row, tied to its input; no other field is marked.
    expect(error.closest('.field')).toBe(alpha.closest('.field'));
    expect(alpha.getAttribute('aria-invalid')).toBe('true');
    expect(alpha.getAttribute('aria-describedby')).toBe(error.id);
    expect(screen.getByLabelText('Minimum per arm').getAttribute('aria-invalid')).toBeNull();
    expect(screen.queryByText(/Not saved/)).toBeNull();
    expect(JSON.parse(calls.find((c) => c.url === PUT_URL)!.init!.body as string)).toMatchObject({
      alpha: 0.5,
    });
  });

  it('is disabled, saying why, for a role that may not operate journeys', async () => {
    const ui = userEvent.setup();
    renderForm(['workspace.read']);
    const save = screen.getByRole('button', { name: 'Save settings' }) as HTMLButtonElement;
    expect(save.closest('fieldset')!.disabled).toBe(true);
    expect(
      screen.getByText('Your role does not allow this: needs “Start, stop and tune running journeys”'),
    ).toBeTruthy();
    await ui.click(save);
    expect(calls.filter((c) => c.init?.method === 'PUT')).toEqual([]);
  });
});
