/**
 * Runs a database write again while PostgreSQL is unreachable, or when it rolled the write back for another
 * transaction (a deadlock), until a deadline. Used only for writes whose failure would otherwise repeat something
 * outside the database (recording a provider's acceptance): failing them fails the send's attempt, whose retry then
 * waits out the lease of the provider call already made.
 */
import { isDatabaseOutage, isTransactionConflict } from '@wakeflow/db';

export interface ThroughOutageOptions {
  /** Wall-clock time (ms) after which the last outage error is thrown. */
  deadlineMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Called before each wait, e.g. to log. */
  onRetry?: (error: unknown, attempt: number) => void;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function throughOutage<T>(write: () => Promise<T>, options: ThroughOutageOptions): Promise<T> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await write();
    } catch (error) {
      if (!isDatabaseOutage(error) && !isTransactionConflict(error)) throw error;
      // Backoff 250 ms, 500 ms, 1 s, then 2 s: a restart of a few seconds is caught within a second of its end.
      const waitMs = Math.min(2_000, 250 * 2 ** (attempt - 1));
      if (now() + waitMs > options.deadlineMs) throw error;
      options.onRetry?.(error, attempt);
      await sleep(waitMs);
    }
  }
}
