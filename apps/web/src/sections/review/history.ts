/**
 * What a reviewer wants from a run's Temporal history without reading it: the signals the run received (customer
 * events), its durable timers, and the wait it is in now with when it ends. Pure; works on the JSON the API serves
 * (`temporal workflow show -o json` shape), recognising events by their attributes rather than enum spellings.
 */
import type { HistoryJson } from '../../api/review';

export interface SignalReceived {
  eventId: number;
  at: string | undefined;
  signal: string;
  /** The customer event it carried, when it is one. */
  event?: { name: string; eventId?: string; occurredAt?: string; properties?: Record<string, unknown> };
}

export interface TimerInfo {
  timerId: string;
  startedAt: string | undefined;
  firesAt: string | undefined;
  seconds: number;
  state: 'pending' | 'fired' | 'cancelled';
}

export interface HistorySummary {
  events: number;
  signals: SignalReceived[];
  timers: TimerInfo[];
  /** The timer still pending at the end of the history: the wait the run is in. */
  pendingTimer: TimerInfo | undefined;
  closed: boolean;
}

type Attrs = Record<string, unknown>;

function attrs(event: Attrs, name: string): Attrs | undefined {
  const value = event[name];
  return value && typeof value === 'object' ? (value as Attrs) : undefined;
}

/** "604800s", "1.5s" or `{ seconds, nanos }` → seconds. */
export function durationSeconds(value: unknown): number {
  if (typeof value === 'string') return Number.parseFloat(value.replace(/s$/, '')) || 0;
  if (value && typeof value === 'object') {
    const v = value as { seconds?: unknown; nanos?: unknown };
    return Number(v.seconds ?? 0) + Number(v.nanos ?? 0) / 1e9;
  }
  return 0;
}

function decodePayload(payload: unknown): unknown {
  const data = (payload as { data?: unknown } | undefined)?.data;
  if (typeof data !== 'string') return undefined;
  try {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch {
    return undefined;
  }
}

function asCustomerEvent(value: unknown): SignalReceived['event'] {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.name !== 'string') return undefined;
  return {
    name: v.name,
    ...(typeof v.eventId === 'string' ? { eventId: v.eventId } : {}),
    ...(typeof v.occurredAt === 'string' ? { occurredAt: v.occurredAt } : {}),
    ...(v.properties && typeof v.properties === 'object'
      ? { properties: v.properties as Record<string, unknown> }
      : {}),
  };
}

const CLOSING = [
  'workflowExecutionCompletedEventAttributes',
  'workflowExecutionFailedEventAttributes',
  'workflowExecutionTimedOutEventAttributes',
  'workflowExecutionCanceledEventAttributes',
  'workflowExecutionTerminatedEventAttributes',
  'workflowExecutionContinuedAsNewEventAttributes',
];

export function summariseHistory(history: HistoryJson): HistorySummary {
  const signals: SignalReceived[] = [];
  const timers = new Map<string, TimerInfo>();
  let closed = false;
  for (const raw of history.events) {
    const event = raw as Attrs;
    const at = typeof event.eventTime === 'string' ? event.eventTime : undefined;
    const signaled = attrs(event, 'workflowExecutionSignaledEventAttributes');
    if (signaled) {
      const payloads = (attrs(signaled, 'input')?.payloads as unknown[] | undefined) ?? [];
      const customerEvent = asCustomerEvent(decodePayload(payloads[0]));
      signals.push({
        eventId: Number(event.eventId),
        at,
        signal: String(signaled.signalName ?? 'signal'),
        ...(customerEvent ? { event: customerEvent } : {}),
      });
    }
    const started = attrs(event, 'timerStartedEventAttributes');
    if (started) {
      const seconds = durationSeconds(started.startToFireTimeout);
      const timerId = String(started.timerId ?? event.eventId);
      const firesAt = at ? new Date(Date.parse(at) + seconds * 1000).toISOString() : undefined;
      timers.set(timerId, { timerId, startedAt: at, firesAt, seconds, state: 'pending' });
    }
    const fired = attrs(event, 'timerFiredEventAttributes');
    const cancelled = attrs(event, 'timerCanceledEventAttributes');
    for (const [end, state] of [
      [fired, 'fired'],
      [cancelled, 'cancelled'],
    ] as const) {
      const timer = end ? timers.get(String(end.timerId)) : undefined;
      if (timer) timer.state = state;
    }
    if (CLOSING.some((name) => attrs(event, name))) closed = true;
  }
  const all = [...timers.values()];
  const pending = closed ? undefined : all.filter((t) => t.state === 'pending').at(-1);
  return { events: history.events.length, signals, timers: all, pendingTimer: pending, closed };
}

/** "7 days", "3 hours", "90 seconds": a timer's length in words. */
export function describeSeconds(seconds: number): string {
  const units: [number, string][] = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, name] of units) {
    if (seconds >= size && seconds % size === 0) {
      const n = seconds / size;
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  if (seconds >= 86_400) return `${(seconds / 86_400).toFixed(1)} days`;
  if (seconds >= 3_600) return `${(seconds / 3_600).toFixed(1)} hours`;
  return `${Math.round(seconds)} seconds`;
}
