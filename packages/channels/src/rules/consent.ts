/**
 * Consent per channel. Marketing needs consent (or, in opt-out mode, no refusal); transactional messages are
 * exempt from marketing consent but still honour an explicit unsubscribe, because that is the customer's word.
 */
import type { ChannelConsent } from '@wakeflow/db';
import type { ChannelSettings } from './channel-settings';

export type MessageChannel = 'email' | 'sms' | 'push';
export type MessageCategory = 'marketing' | 'transactional';

export type ConsentDecision = { allowed: true } | { allowed: false; reason: 'no_consent' | 'unsubscribed' };

export function checkConsent(
  consent: ChannelConsent,
  channel: MessageChannel,
  category: MessageCategory,
  settings: ChannelSettings['consent'],
): ConsentDecision {
  const given = consent[channel];
  if (given === false) return { allowed: false, reason: 'unsubscribed' };
  if (category === 'transactional') return { allowed: true };
  if (given === true) return { allowed: true };
  return settings.mode === 'opt_out' ? { allowed: true } : { allowed: false, reason: 'no_consent' };
}
