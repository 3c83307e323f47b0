// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { authKeys, peopleKeys, type Me } from '../../api/people';
import { DefinitionsPage } from './DefinitionsPage';
import { fakeApi, type Handler } from './test-support';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const settings = {
  activity: { mode: 'all_except', events: ['message_delivered', 'message_opened', 'message_clicked'] },
  loginEvents: ['login'],
  purchaseEvents: ['purchase', 'store_purchase'],
  amountProperty: 'amount',
  allowRefunds: false,
  windowsDays: [30, 90, 180, 365],
  dormancyStagesDays: [30, 90, 180, 365],
  valueTier: { highMin: 12, midMin: 8 },
};
const me = (permissions: string[]): Me => ({ kind: 'local', workspaceId: 'test', permissions });
const rolesInfo = {
  roles: [],
  permissions: { 'content.edit': 'Edit segments, templates and audience settings' },
  apiKeyScopes: {},
};

function renderPage(permissions: string[], routes: Record<string, Handler>) {
  const api = fakeApi({ 'GET /api/audience/settings': () => ({ settings }), ...routes });
  const client = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  client.setQueryData(authKeys.me, me(permissions));
  client.setQueryData(peopleKeys.roles, rolesInfo);
  render(
    <QueryClientProvider client={client}>
      <DefinitionsPage />
    </QueryClientProvider>,
  );
  return api;
}

async function fill(ui: ReturnType<typeof userEvent.setup>, label: string | RegExp, value: string) {
  const input = await screen.findByLabelText(label);
  await ui.clear(input);
  if (value) await ui.type(input, value);
}

describe('fact definitions page', () => {
  it('PUTs every setting as edited, then shows the rebuild and polls it until it is done', async () => {
    const ui = userEvent.setup();
    let rebuildAsks = 0;
    const running = {
      workflowId: 'audience-facts-rebuild/test',
      status: 'running',
      customersUpdated: 3,
      customersScanned: 10,
      startedAt: '2026-11-01T00:00:00Z',
      finishedAt: null,
    };
    const { requests } = renderPage(['workspace.read', 'content.edit'], {
      'PUT /api/audience/settings': ({ body }) => ({
        settings: body,
        rebuild: { workflowId: 'audience-facts-rebuild/test' },
      }),
      'GET /api/audience/facts/rebuild': () => {
        const saved = requests.some((r) => r.method === 'PUT');
        if (!saved) return { rebuild: null };
        rebuildAsks += 1;
        // Running on the first ask after saving, done on the next poll.
        return {
          rebuild:
            rebuildAsks === 1
              ? running
              : { ...running, status: 'completed', customersUpdated: 42, finishedAt: '2026-11-01T00:01:00Z' },
        };
      },
    });

    await ui.selectOptions(await screen.findByLabelText('Activity is'), 'only');
    // The activity list: remove the three receipts, add two names typed with a comma and one with Enter.
    for (const name of ['message_delivered', 'message_opened', 'message_clicked'])
      await ui.click(screen.getByRole('button', { name: `Remove ${name} from Activity events` }));
    await ui.type(screen.getByLabelText('Activity events'), 'app_open, page_view,');
    await ui.type(screen.getByLabelText('Activity events'), 'purchase{Enter}');
    await ui.type(screen.getByLabelText('Login events'), 'app_open{Enter}');
    await ui.click(screen.getByRole('button', { name: 'Remove store_purchase from Purchase events' }));
    await ui.type(screen.getByLabelText('Purchase events'), 'order_completed{Enter}');
    await fill(ui, 'Amount property', 'total.value');
    await ui.click(screen.getByLabelText('Allow refunds'));
    await fill(ui, 'Rolling windows (days)', '7, 30');
    await fill(ui, 'Active: up to (days)', '14');
    await fill(ui, 'Dormant 6–12 months: up to', '400');
    await fill(ui, 'High value from R+F+M score', '13');
    await fill(ui, 'Mid value from R+F+M score', '9');
    await ui.click(screen.getByRole('button', { name: 'Save definitions' }));

    await screen.findByText('Saved. Facts are being rebuilt with the new definitions.');
    expect(requests.find((r) => r.method === 'PUT')?.body).toEqual({
      activity: { mode: 'only', events: ['app_open', 'page_view', 'purchase'] },
      loginEvents: ['login', 'app_open'],
      purchaseEvents: ['purchase', 'order_completed'],
      amountProperty: 'total.value',
      allowRefunds: true,
      windowsDays: [7, 30],
      dormancyStagesDays: [14, 90, 180, 400],
      valueTier: { highMin: 13, midMin: 9 },
    });
    expect(
      await screen.findByText(/Rebuilding facts from the event log… 10 customers checked, 3 updated so far/),
    ).toBeTruthy();
    // Polled while running (every 2 s) until it reports done.
    expect(await screen.findByText(/42 customers updated/, undefined, { timeout: 4000 })).toBeTruthy();
    expect(rebuildAsks).toBe(2);
    // Typing a dozen fields and a 2 s poll: more than the default 5 s on a loaded machine.
  }, 20_000);

  it('shows the server’s field errors next to their fields', async () => {
    const ui = userEvent.setup();
    renderPage(['workspace.read', 'content.edit'], {
      'GET /api/audience/facts/rebuild': () => ({ rebuild: null }),
      'PUT /api/audience/settings': () => ({
        status: 400,
        body: {
          error: {
            code: 'invalid_request',
            message: 'Invalid body: body.dormancyStagesDays Stage boundaries must increase',
            issues: [
              { path: 'body.dormancyStagesDays', message: 'Stage boundaries must increase' },
              { path: 'body.loginEvents', message: 'Name at least one event' },
            ],
          },
        },
      }),
    });
    await ui.click(await screen.findByRole('button', { name: 'Remove login from Login events' }));
    await fill(ui, 'Dormant 1–3 months: up to', '20');
    await ui.click(screen.getByRole('button', { name: 'Save definitions' }));

    const stagesError = await screen.findByText('Stage boundaries must increase');
    const stages = screen.getByRole('group', { name: 'Dormancy stage boundaries' });
    expect(stages.getAttribute('aria-describedby')).toBe(stagesError.id);
    for (const input of within(stages).getAllByRole('spinbutton'))
      expect(input.getAttribute('aria-invalid')).toBe('true');
    const loginError = screen.getByText('Name at least one event');
    const login = screen.getByLabelText('Login events');
    expect(loginError.closest('.field')).toBe(login.closest('.field'));
    expect(login.getAttribute('aria-describedby')).toBe(loginError.id);
    // No other field is marked, and nothing claims it was saved.
    expect(screen.getByLabelText('Amount property').getAttribute('aria-invalid')).toBeNull();
    expect(screen.getByLabelText('Purchase events').getAttribute('aria-invalid')).toBeNull();
    expect(screen.queryByText(/^Saved/)).toBeNull();
    expect(screen.queryByText(/Not saved/)).toBeNull();
  });

  it('is disabled, saying why, for a role that may not edit content', async () => {
    const ui = userEvent.setup();
    const { requests } = renderPage(['workspace.read'], {
      'GET /api/audience/facts/rebuild': () => ({
        rebuild: {
          workflowId: 'w',
          status: 'failed',
          customersUpdated: null,
          customersScanned: null,
          startedAt: '2026-11-01T00:00:00Z',
          finishedAt: '2026-11-01T00:01:00Z',
        },
      }),
    });
    const save = (await screen.findByRole('button', { name: 'Save definitions' })) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    expect((screen.getByLabelText('Amount property') as HTMLInputElement).closest('fieldset')!.disabled).toBe(
      true,
    );
    expect(
      screen.getByText(
        'Your role does not allow this: needs “Edit segments, templates and audience settings”',
      ),
    ).toBeTruthy();
    await screen.findByText(/The last facts rebuild did not finish/);
    expect((screen.getByRole('button', { name: 'Rebuild again' }) as HTMLButtonElement).disabled).toBe(true);
    await ui.click(save);
    await waitFor(() => expect(requests.filter((r) => r.method !== 'GET')).toEqual([]));
  });
});
