import { describe, expect, it } from 'vitest';
import { defaultChannelSettings } from '@wakeflow/channels';
import type { PlanStep } from '@wakeflow/journey';
import { runOnVirtualClockAsync, type MachineRun } from '@wakeflow/journey/machine';
import { createCatalog } from '../index';
import {
  createDryRunSession,
  describedCustomer,
  judgeDrySend,
  type DryRunTemplate,
  type DryRunWorld,
} from './dry-run-services';

const DAY = 86_400_000;
const template: DryRunTemplate = {
  id: 'winback-sms',
  name: 'We miss you',
  channel: 'sms',
  subject: null,
  body: 'Hi {{ customer.first_name }}, we miss you',
  html: null,
  category: 'marketing',
};
const world: DryRunWorld = {
  workspaceId: 'ws',
  settings: defaultChannelSettings,
  templates: new Map([[template.id, template]]),
  catalog: createCatalog(),
};
const ada = describedCustomer('ws', {
  firstName: 'Ada',
  phone: '+33600000000',
  timezone: 'Europe/Paris',
  consent: { sms: true },
});
// Monday 22:30 in Paris: inside the default quiet hours for SMS (21:00–08:00).
const lateEvening = Date.parse('2026-12-07T21:30:00.000Z');
const send = { channel: 'sms' as const, templateId: template.id, holdout: false, priority: 5 };

const activity = (
  id: string,
  nodeType: string,
  config: Record<string, unknown>,
  next: Record<string, string>,
) =>
  ({
    id,
    type: nodeType,
    op: 'activity',
    nodeType,
    nodeVersion: 1,
    config,
    startToCloseMs: 10_000,
    retry: { maximumAttempts: 3, initialIntervalMs: 1_000, backoffCoefficient: 2, maximumIntervalMs: 10_000 },
    sendsMessage: nodeType === 'send',
    next,
  }) satisfies PlanStep;

/** Trigger → tag → send the SMS → wait 3 days for a login → exits. */
const run: MachineRun & { plan: { steps: Record<string, PlanStep>; settings: { priority: number } } } = {
  journeyId: 'j',
  customerId: ada.id,
  holdout: false,
  plan: {
    entryStepId: 't',
    steps: {
      t: { id: 't', type: 'api_trigger', op: 'entry', next: { next: 'tag' } },
      tag: activity('tag', 'update_customer', { addTags: ['winback'] }, { next: 'sms' }),
      sms: activity('sms', 'send', { channel: 'sms', templateId: template.id }, { next: 'w' }),
      w: {
        id: 'w',
        type: 'wait_for_event',
        op: 'wait',
        events: [{ event: 'login', outcome: 'login' }],
        timeoutMs: 3 * DAY,
        timeoutOutcome: 'timeout',
        next: { login: 'back', timeout: 'gone' },
      },
      back: { id: 'back', type: 'exit', op: 'exit', outcome: 'reactivated', next: {} },
      gone: { id: 'gone', type: 'exit', op: 'exit', outcome: 'still_dormant', next: {} },
    },
    settings: { reentry: { mode: 'once' }, holdoutPercent: 0, priority: 5 },
  },
};

describe('judgeDrySend', () => {
  it('judges with the send path’s rules, in its order', () => {
    expect(judgeDrySend(world, ada, { ...send, at: new Date(lateEvening) }, [])).toMatchObject({
      status: 'deferred',
      reason: 'quiet_hours',
      retryAt: '2026-12-08T07:00:00.000Z',
      checks: [
        { rule: 'holdout', verdict: 'pass' },
        { rule: 'template', verdict: 'pass' },
        { rule: 'consent', verdict: 'pass' },
        { rule: 'recipient', verdict: 'pass' },
        { rule: 'quiet_hours', verdict: 'hold', detail: '2026-12-08T07:00:00.000Z' },
      ],
    });
    const noon = new Date('2026-12-08T11:00:00.000Z');
    expect(judgeDrySend(world, { ...ada, consent: {} }, { ...send, at: noon }, [])).toMatchObject({
      status: 'skipped',
      reason: 'no_consent',
    });
    expect(judgeDrySend(world, ada, { ...send, holdout: true, at: noon }, [])).toMatchObject({
      status: 'skipped',
      reason: 'holdout',
    });
    expect(judgeDrySend(world, ada, { ...send, templateId: 'gone', at: noon }, [])).toMatchObject({
      status: 'failed',
      reason: 'template_not_found',
    });
  });

  it('counts the messages already sent against the frequency cap', () => {
    const noon = new Date('2026-12-08T11:00:00.000Z');
    const recent = (n: number) =>
      Array.from({ length: n }, (_, i) => new Date(noon.getTime() - (i + 1) * 3_600_000));
    // Default cap: 5 per 7 days, one kept for high-priority journeys, so a priority-5 journey gets 4.
    expect(judgeDrySend(world, ada, { ...send, at: noon }, recent(3)).status).toBe('sent');
    const capped = judgeDrySend(world, ada, { ...send, at: noon }, recent(4));
    expect(capped).toMatchObject({ status: 'skipped', reason: 'frequency_cap' });
    expect(capped.checks.at(-1)).toEqual({ rule: 'frequency_cap', verdict: 'skip', detail: 'frequency_cap' });
    // Messages older than the window no longer count.
    expect(judgeDrySend(world, ada, { ...send, at: noon }, [new Date(noon.getTime() - 8 * DAY)]).status).toBe(
      'sent',
    );
  });
});

describe('a dry-run session', () => {
  it('runs the real activities on dry ports: held in quiet hours, then rendered with the customer’s data', async () => {
    const session = createDryRunSession(world, run, ada);
    const result = await runOnVirtualClockAsync(run, { startMs: lateEvening, hooks: session.hooks });
    expect(result.path).toEqual(['t', 'tag', 'sms', 'w', 'gone']);
    expect(session.messages.map((m) => [m.at, m.decision.status, m.rendered?.text])).toEqual([
      ['2026-12-07T21:30:00.000Z', 'deferred', undefined],
      ['2026-12-08T07:00:00.000Z', 'sent', 'Hi Ada, we miss you'],
    ]);
    expect(session.customer.tags).toEqual(['winback']);
    expect(ada.tags).toEqual([]);
    expect(session.notes.get('tag')).toEqual(['profile updated in the preview only']);
  });

  it('follows scripted answers and does not run kinds that may act outside', async () => {
    const withWebhook = {
      ...run,
      plan: {
        ...run.plan,
        steps: {
          ...run.plan.steps,
          tag: activity('tag', 'webhook', { url: 'https://example.com/hook' }, { ok: 'sms', failed: 'gone' }),
        },
      },
    };
    const session = createDryRunSession(world, withWebhook, ada, { answers: { sms: 'next' } });
    const result = await runOnVirtualClockAsync(withWebhook, { startMs: lateEvening, hooks: session.hooks });
    expect(result.path).toEqual(['t', 'tag', 'sms', 'w', 'gone']);
    expect(session.messages).toEqual([]);
    expect(session.notes.get('tag')?.[0]).toMatch(/not run in a preview .* took its “ok” path/);
    expect(session.notes.get('sms')).toEqual(['answered “next” by the script']);
  });
});
