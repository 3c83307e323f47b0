import { describe, expect, it } from 'vitest';
import { defaultChannelSettings } from './channel-settings';
import { judgeSendRules, type RuleCustomer } from './send-rules';

const customer: RuleCustomer = {
  consent: { email: true, sms: true },
  timezone: 'Europe/Paris',
  email: 'ada@example.com',
  phone: '+33600000000',
  pushToken: null,
};
// 10:00 in Paris on a Monday: outside the default quiet hours (21:00–08:00).
const monday10 = new Date('2026-12-07T09:00:00.000Z');
const judge = (over: Partial<Parameters<typeof judgeSendRules>[0]> = {}) =>
  judgeSendRules({
    customer,
    channel: 'email',
    category: 'marketing',
    settings: defaultChannelSettings,
    at: monday10,
    ...over,
  });

describe('judgeSendRules', () => {
  it('lets a consenting customer with an address be sent to now', () => {
    expect(judge()).toEqual({ action: 'go', to: 'ada@example.com' });
  });

  it('skips marketing without consent, and anything after an unsubscribe', () => {
    expect(judge({ customer: { ...customer, consent: {} } })).toEqual({
      action: 'skip',
      rule: 'consent',
      reason: 'no_consent',
    });
    expect(
      judge({ customer: { ...customer, consent: { email: false } }, category: 'transactional' }),
    ).toMatchObject({
      reason: 'unsubscribed',
    });
  });

  it('skips a channel the customer has no address for', () => {
    expect(judge({ channel: 'sms', customer: { ...customer, phone: ' ' } })).toEqual({
      action: 'skip',
      rule: 'recipient',
      reason: 'no_recipient',
    });
  });

  it('holds a send in quiet hours until they end, in the customer’s zone', () => {
    // An SMS (quiet hours cover SMS and push by default) at 22:30 in Paris: held until 08:00 Paris the next morning.
    expect(judge({ channel: 'sms', at: new Date('2026-12-07T21:30:00.000Z') })).toEqual({
      action: 'defer',
      rule: 'quiet_hours',
      until: new Date('2026-12-08T07:00:00.000Z'),
    });
  });

  it('holds a send until the node’s window opens', () => {
    expect(judge({ sendWindow: { weekdays: [1, 2, 3, 4, 5], start: '20:00', end: '21:00' } })).toEqual({
      action: 'defer',
      rule: 'send_window',
      until: new Date('2026-12-07T19:00:00.000Z'),
    });
  });

  it('fails a window that lies entirely inside quiet hours', () => {
    expect(
      judge({ channel: 'sms', sendWindow: { weekdays: [1], start: '22:00', end: '23:00' } }),
    ).toMatchObject({
      action: 'fail',
      rule: 'send_window',
    });
  });
});
