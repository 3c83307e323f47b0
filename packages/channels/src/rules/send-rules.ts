/**
 * The sending rules that come before rendering, in the order the send path applies them: consent, a recipient
 * address, then the send time (quiet hours and the node's window). One function for the real sender
 * (sender/message-sender.ts) and for dry runs (previews, backtests), so both judge a send the same way. The frequency
 * cap comes after rendering, with the dispatch times the caller counted (`decideFrequencyCap`): the sender reads them
 * under a lock in the database, a dry run keeps them in memory.
 */
import type { ChannelConsent } from '@wakeflow/db';
import type { SendWindow } from '@wakeflow/nodes/spec';
import type { ChannelSettings } from './channel-settings';
import { checkConsent, type MessageCategory, type MessageChannel } from './consent';
import { nextAllowedSendTime, type SendTimeJudge } from './send-time';

/** What the rules read of a customer. */
export interface RuleCustomer {
  consent: ChannelConsent;
  timezone: string;
  email: string | null;
  phone: string | null;
  pushToken: string | null;
}

export type SendRule = 'consent' | 'recipient' | 'quiet_hours' | 'send_window';

export type SendRulesVerdict =
  /** Every rule passed: the message may be rendered and (cap permitting) sent to `to` now. */
  | { action: 'go'; to: string }
  | { action: 'skip'; rule: 'consent' | 'recipient'; reason: 'no_consent' | 'unsubscribed' | 'no_recipient' }
  /** Not now: ask again at `until` (never dropped). */
  | { action: 'defer'; rule: 'quiet_hours' | 'send_window'; until: Date }
  /** The configuration can never be met (a window entirely inside quiet hours). */
  | { action: 'fail'; rule: 'send_window'; reason: string };

export function recipientOf(customer: RuleCustomer, channel: MessageChannel): string | null {
  const value =
    channel === 'email' ? customer.email : channel === 'sms' ? customer.phone : customer.pushToken;
  return value && value.trim() ? value : null;
}

export function judgeSendRules(input: {
  customer: RuleCustomer;
  channel: MessageChannel;
  category: MessageCategory;
  settings: ChannelSettings;
  /** The journey's clock for the send (the step's time), not the wall clock. */
  at: Date;
  sendWindow?: SendWindow;
  /** Answers `nextAllowedSendTime` (a dry run over many customers passes a memo of it: `memoizeSendTime`). */
  sendTime?: SendTimeJudge;
}): SendRulesVerdict {
  const { customer, channel, settings, at } = input;
  const sendTime = input.sendTime ?? nextAllowedSendTime;
  const consent = checkConsent(customer.consent, channel, input.category, settings.consent);
  if (!consent.allowed) return { action: 'skip', rule: 'consent', reason: consent.reason };
  const to = recipientOf(customer, channel);
  if (!to) return { action: 'skip', rule: 'recipient', reason: 'no_recipient' };
  let timing;
  try {
    timing = sendTime(at, customer.timezone, channel, settings.quietHours, input.sendWindow);
  } catch (error) {
    return { action: 'fail', rule: 'send_window', reason: `send_window: ${(error as Error).message}` };
  }
  if (timing.at.getTime() > at.getTime()) {
    return {
      action: 'defer',
      rule: timing.reason === 'send_window' ? 'send_window' : 'quiet_hours',
      until: timing.at,
    };
  }
  return { action: 'go', to };
}
