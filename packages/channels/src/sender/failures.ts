/**
 * The failures the sender throws for Temporal to retry: a provider that is down follows the activity's backoff;
 * a second attempt racing one still talking to the provider comes back a little later. ("Not now" because of a
 * rule is not a failure: the sender answers `deferred` and the journey sleeps on a durable timer.)
 */
import { ApplicationFailure } from '@temporalio/common';

export const PROVIDER_UNAVAILABLE = 'ProviderUnavailable';
export const SEND_IN_PROGRESS = 'SendInProgress';

export function providerUnavailable(
  message: string,
  details: Record<string, unknown>,
  retryAfterMs?: number,
): ApplicationFailure {
  return ApplicationFailure.create({
    type: PROVIDER_UNAVAILABLE,
    message,
    details: [details],
    ...(retryAfterMs !== undefined ? { nextRetryDelay: retryAfterMs } : {}),
  });
}

/** Retry once the other attempt's lease has run out (it finished, failed, or its worker died). */
export function sendInProgress(messageId: string, retryAfterMs: number): ApplicationFailure {
  return ApplicationFailure.create({
    type: SEND_IN_PROGRESS,
    message: `Another attempt is sending message ${messageId} right now`,
    details: [{ messageId }],
    nextRetryDelay: retryAfterMs,
  });
}
