/**
 * The API's Temporal client. Every call has a short deadline (retries included), so while Temporal is down a
 * request that needs it answers 503 `temporal_unavailable` within seconds instead of hanging ~20 s.
 */
import { connectTemporalClient, type TemporalConfig } from '@wakeflow/temporal';

export const API_TEMPORAL_CALL_TIMEOUT_MS = 3_000;

export function connectApiTemporalClient(config: TemporalConfig, options: { lazy?: boolean } = {}) {
  return connectTemporalClient(config, { ...options, callTimeoutMs: API_TEMPORAL_CALL_TIMEOUT_MS });
}
