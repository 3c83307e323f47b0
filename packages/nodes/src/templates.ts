/**
 * Journey templates a campaign manager can start from. The canonical one is DOMAIN S-AU-1: no login for 30 days →
 * email + SMS with a return gift → wait up to 7 days → second wave for those who did not come back.
 */
import type { JourneyGraphInput, JourneySettingsInput } from '@wakeflow/journey';

export interface JourneyTemplate {
  id: string;
  name: string;
  description: string;
  graph: JourneyGraphInput;
  settings: JourneySettingsInput;
  /** Segments and message templates the journey refers to, so a workspace can be prepared for it. */
  requires: { segments: string[]; templates: string[] };
}

const returnedOr = (prefix: string) => [
  { source: prefix, outcome: 'login', target: `${prefix}_login` },
  { source: prefix, outcome: 'purchase', target: `${prefix}_purchase` },
];

export const canonicalWinBack: JourneyTemplate = {
  id: 'win-back-30d',
  name: 'Win back: no login for 30 days',
  description:
    'Email + SMS with a return gift; if the customer has not logged in or bought within 7 days, a second wave by push and email with a stronger offer.',
  settings: {
    goal: { event: 'purchase', outcome: 'purchased' },
    reentry: { mode: 'after', duration: { amount: 90, unit: 'days' } },
    // Reactivated = back within both waves (7 + 7 days); a 10% holdout measures what the messages added.
    conversion: { events: ['login', 'purchase'], window: { amount: 14, unit: 'days' }, from: 'entry' },
    holdoutPercent: 10,
  },
  requires: {
    segments: ['no-login-30d'],
    templates: ['return-gift-email', 'return-gift-sms', 'second-wave-push', 'second-wave-email'],
  },
  graph: {
    nodes: [
      { id: 'trigger', type: 'audience_trigger', config: { segmentId: 'no-login-30d', everyMinutes: 60 } },
      {
        id: 'gift_email',
        type: 'send',
        name: 'Return gift email',
        config: { channel: 'email', templateId: 'return-gift-email' },
      },
      {
        id: 'gift_sms',
        type: 'send',
        name: 'Return gift SMS',
        config: { channel: 'sms', templateId: 'return-gift-sms' },
      },
      {
        id: 'wait_return',
        type: 'wait_for_event',
        config: { events: [{ event: 'login' }, { event: 'purchase' }], timeout: { amount: 7, unit: 'days' } },
      },
      { id: 'wait_return_login', type: 'exit', config: { outcome: 'reactivated' } },
      { id: 'wait_return_purchase', type: 'exit', config: { outcome: 'reactivated' } },
      {
        id: 'second_push',
        type: 'send',
        name: 'Second wave push',
        config: { channel: 'push', templateId: 'second-wave-push' },
      },
      {
        id: 'second_email',
        type: 'send',
        name: 'Stronger offer email',
        config: { channel: 'email', templateId: 'second-wave-email' },
      },
      {
        id: 'wait_second',
        type: 'wait_for_event',
        config: { events: [{ event: 'login' }, { event: 'purchase' }], timeout: { amount: 7, unit: 'days' } },
      },
      { id: 'wait_second_login', type: 'exit', config: { outcome: 'reactivated' } },
      { id: 'wait_second_purchase', type: 'exit', config: { outcome: 'reactivated' } },
      { id: 'still_dormant', type: 'exit', config: { outcome: 'still_dormant' } },
    ],
    edges: [
      { source: 'trigger', outcome: 'next', target: 'gift_email' },
      { source: 'gift_email', outcome: 'next', target: 'gift_sms' },
      { source: 'gift_sms', outcome: 'next', target: 'wait_return' },
      ...returnedOr('wait_return'),
      { source: 'wait_return', outcome: 'timeout', target: 'second_push' },
      { source: 'second_push', outcome: 'next', target: 'second_email' },
      { source: 'second_email', outcome: 'next', target: 'wait_second' },
      ...returnedOr('wait_second'),
      { source: 'wait_second', outcome: 'timeout', target: 'still_dormant' },
    ],
  },
};

export const journeyTemplates: readonly JourneyTemplate[] = [canonicalWinBack];
