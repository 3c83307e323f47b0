import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_EVENT_MAX_FUTURE_SKEW_MS,
  eventInputSchema,
  eventMaxFutureSkewFromEnv,
  setEventMaxFutureSkew,
} from './event';

const event = (occurredAt: string) => ({
  eventId: 'e1',
  customerExternalId: 'c1',
  name: 'login',
  occurredAt,
});
const fromNow = (ms: number) => new Date(Date.now() + ms).toISOString();

afterEach(() => setEventMaxFutureSkew(DEFAULT_EVENT_MAX_FUTURE_SKEW_MS));

describe('event time', () => {
  it('accepts the past and a little clock skew, refuses the future beyond it, naming occurredAt', () => {
    expect(eventInputSchema.safeParse(event('2020-01-01T00:00:00Z')).success).toBe(true);
    expect(eventInputSchema.safeParse(event(fromNow(60_000))).success).toBe(true);
    const future = eventInputSchema.safeParse(event('2199-01-01T00:00:00Z'));
    expect(future.success).toBe(false);
    expect(future.error?.issues.map((i) => i.path)).toEqual([['occurredAt']]);
    expect(future.error?.issues[0]?.message).toMatch(/future.*300 s/);
    // A string that is not a time gets one issue, not a second one about the future.
    expect(eventInputSchema.safeParse(event('last tuesday')).error?.issues).toHaveLength(1);
  });

  it('takes the skew from WAKEFLOW_EVENT_MAX_FUTURE_SKEW in seconds', () => {
    expect(eventMaxFutureSkewFromEnv({})).toBe(DEFAULT_EVENT_MAX_FUTURE_SKEW_MS);
    expect(eventMaxFutureSkewFromEnv({ WAKEFLOW_EVENT_MAX_FUTURE_SKEW: '0' })).toBe(0);
    expect(() => eventMaxFutureSkewFromEnv({ WAKEFLOW_EVENT_MAX_FUTURE_SKEW: '5m' })).toThrow(
      /whole seconds/,
    );
    setEventMaxFutureSkew(eventMaxFutureSkewFromEnv({ WAKEFLOW_EVENT_MAX_FUTURE_SKEW: '0' }));
    expect(eventInputSchema.safeParse(event(fromNow(60_000))).success).toBe(false);
  });
});
