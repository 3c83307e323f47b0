import { describe, expect, it } from 'vitest';
import { checkConsent } from './consent';

describe('consent', () => {
  it('needs explicit consent for marketing in opt-in mode', () => {
    expect(checkConsent({ email: true }, 'email', 'marketing', { mode: 'opt_in' })).toEqual({
      allowed: true,
    });
    expect(checkConsent({}, 'email', 'marketing', { mode: 'opt_in' })).toEqual({
      allowed: false,
      reason: 'no_consent',
    });
    expect(checkConsent({}, 'sms', 'marketing', { mode: 'opt_out' })).toEqual({ allowed: true });
  });

  it('always honours an unsubscribe, even for transactional messages', () => {
    expect(checkConsent({ sms: false }, 'sms', 'marketing', { mode: 'opt_out' })).toEqual({
      allowed: false,
      reason: 'unsubscribed',
    });
    expect(checkConsent({ sms: false }, 'sms', 'transactional', { mode: 'opt_out' })).toEqual({
      allowed: false,
      reason: 'unsubscribed',
    });
    expect(checkConsent({}, 'sms', 'transactional', { mode: 'opt_in' })).toEqual({ allowed: true });
  });
});
