/**
 * The outbox drainer: does the follow-up work of stored events (`event_outbox`, written by the event pipeline in
 * the same statement as the event) until every step succeeded.
 *
 * Guarantees (docs/reliability.md):
 * - Coupon redemption and conversions run in a savepoint of the transaction that holds the outbox row and mark
 *   the row `recorded_at` there, so they commit exactly once.
 * - Routing (signals to waiting runs, starts of event-triggered runs) is at least once: a crash after a signal
 *   and before the commit repeats it, and the run ignores an event id it has seen; starts are deduplicated by the
 *   business-key workflow id.
 * - One customer's events are processed in order (`occurred_at`, then insert order): only the oldest pending row
 *   of a customer can be claimed, and it blocks that customer's later rows until it is done. Other customers go on.
 * - A row is held with `FOR UPDATE SKIP LOCKED` for the whole pass, so two drainers (worker processes, the API's
 *   kick) never work on the same row at once; a crashed drainer's lock goes with its connection.
 * - A failed row is retried with exponential backoff (1 s doubling to 5 min) for as long as it takes; `attempts`
 *   and `last_error` say why it waits.
 */
import { ingestEvents } from '@wakeflow/audience';
import { recordConversions } from '@wakeflow/analytics';
import { recordCouponRedemption } from '@wakeflow/channels';
import {
  anyDueOutboxHead,
  claimOutboxHeads,
  completeOutboxRows,
  deferOutboxRow,
  markOutboxRecorded,
  type ClaimedOutboxRow,
  type Database,
  type DatabaseTransaction,
} from '@wakeflow/db';
import type { EventRouter, RoutableEvent } from '@wakeflow/temporal';
import { eventRecorder } from './event-pipeline';

export interface OutboxLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface OutboxDrainerOptions {
  db: Database;
  router: EventRouter;
  /** Workspaces whose rows this drainer takes; every workspace when left out. */
  workspaceIds?: readonly string[];
  /** Rows (= customers) claimed per pass. */
  batchSize?: number;
  /** Delay before the next attempt after `attempts` failures. */
  backoffMs?: (attempts: number) => number;
  logger?: OutboxLogger;
}

export interface DrainResult {
  claimed: number;
  done: number;
  failed: number;
}

export interface OutboxDrainer {
  /** Claims the due head rows of up to `batchSize` customers and works them off. */
  drainOnce(): Promise<DrainResult>;
  /**
   * Passes until no row is due, also waiting for rows another drainer holds (tests, the bench: after it, every
   * event stored before the call has been processed or is waiting for a retry).
   */
  drainAll(): Promise<DrainResult>;
  /** Starts a pass in the background (after an ingest): one at a time, a kick during a pass queues one more. */
  kick(): void;
  /** Resolves when no background pass is running. */
  idle(): Promise<void>;
  /** Drains every `pollMs` (and whenever kicked) until `signal` aborts; never throws. */
  run(options: { signal: AbortSignal; pollMs?: number }): Promise<void>;
}

export const defaultOutboxBackoff = (attempts: number): number =>
  Math.min(1_000 * 2 ** Math.max(0, attempts - 1), 300_000);

const ROUTE_CONCURRENCY = 16;
const MAX_ERROR_LENGTH = 2_000;

export function createOutboxDrainer(options: OutboxDrainerOptions): OutboxDrainer {
  const { db, router, workspaceIds } = options;
  const batchSize = options.batchSize ?? 100;
  const backoffMs = options.backoffMs ?? defaultOutboxBackoff;

  async function drainOnce(): Promise<DrainResult> {
    return db.transaction(async (tx) => {
      const rows = await claimOutboxHeads(tx, {
        limit: batchSize,
        ...(workspaceIds ? { workspaceIds } : {}),
      });
      if (rows.length === 0) return { claimed: 0, done: 0, failed: 0 };

      const failures = new Map<number, unknown>();
      // Database steps first, in a savepoint with the mark that they ran: they commit with it or not at all. All
      // rows at once; when that fails, row by row, so one bad event fails alone.
      const toRecord = rows.filter((r) => !r.recorded);
      if (toRecord.length > 0) {
        try {
          await recordInSavepoint(tx, toRecord);
        } catch {
          for (const row of toRecord) {
            try {
              await recordInSavepoint(tx, [row]);
            } catch (error) {
              failures.set(row.id, error);
            }
          }
        }
      }
      // Routing after, on the pool (each customer has one row here): one call per workspace; when it fails, row by
      // row, so only the rows that fail wait for a retry (a repeated signal is ignored by the run). When a whole
      // slice fails too, Temporal is down rather than one event bad: the rest fail without waiting on it again.
      const routable = rows.filter((r) => !failures.has(r.id));
      for (const group of groupBy(routable, (r) => r.workspaceId)) {
        try {
          await router.route(group.map(toRoutable));
        } catch (batchError) {
          if (group.length === 1) {
            failures.set(group[0]!.id, batchError);
            continue;
          }
          for (let i = 0; i < group.length; i += ROUTE_CONCURRENCY) {
            const slice = group.slice(i, i + ROUTE_CONCURRENCY);
            const settled = await Promise.allSettled(slice.map((row) => router.route([toRoutable(row)])));
            settled.forEach((s, j) => {
              if (s.status === 'rejected') failures.set(slice[j]!.id, s.reason);
            });
            if (settled.every((s) => s.status === 'rejected')) {
              for (const row of group.slice(i + ROUTE_CONCURRENCY)) failures.set(row.id, batchError);
              break;
            }
          }
        }
      }

      const done = rows.filter((r) => !failures.has(r.id)).map((r) => r.id);
      await completeOutboxRows(tx, done);
      for (const row of rows) {
        if (!failures.has(row.id)) continue;
        const error = failures.get(row.id);
        const attempts = row.attempts + 1;
        const message = (error instanceof Error ? error.message : String(error)).slice(0, MAX_ERROR_LENGTH);
        await deferOutboxRow(tx, { id: row.id, attempts, error: message, delayMs: backoffMs(attempts) });
        options.logger?.warn(
          { eventId: row.eventId, workspaceId: row.workspaceId, attempts, error: message },
          'event follow-up failed; will retry',
        );
      }
      return { claimed: rows.length, done: done.length, failed: rows.length - done.length };
    });
  }

  async function recordInSavepoint(
    tx: DatabaseTransaction,
    rows: readonly ClaimedOutboxRow[],
  ): Promise<void> {
    await tx.transaction(async (savepoint) => {
      // Drizzle types a transaction apart from the pool's handle only by `$client`, which no step uses.
      await recordEffects(savepoint, rows);
      await markOutboxRecorded(
        savepoint,
        rows.map((r) => r.id),
      );
    });
  }

  /** Coupon redemption (recording `coupon_redeemed` through the same transaction), then conversions. */
  async function recordEffects(stepDb: Database, rows: readonly ClaimedOutboxRow[]): Promise<void> {
    const recorder = eventRecorder((workspaceId, inputs) =>
      ingestEvents(stepDb, workspaceId, inputs, { outbox: true }),
    );
    for (const row of rows) {
      await recordCouponRedemption(
        stepDb,
        {
          workspaceId: row.workspaceId,
          name: row.name,
          properties: row.properties,
          occurredAt: row.occurredAt,
          customerId: row.customerId,
        },
        recorder,
      );
    }
    for (const group of groupBy(rows, (r) => r.workspaceId)) {
      await recordConversions(
        stepDb,
        group[0]!.workspaceId,
        group.map((row) => ({
          id: row.id,
          customerId: row.customerId,
          name: row.name,
          properties: row.properties,
          occurredAt: row.occurredAt.toISOString(),
        })),
      );
    }
  }

  async function drainDue(waitForHeld: boolean): Promise<DrainResult> {
    const total: DrainResult = { claimed: 0, done: 0, failed: 0 };
    for (;;) {
      const pass = await drainOnce();
      total.claimed += pass.claimed;
      total.done += pass.done;
      total.failed += pass.failed;
      if (pass.claimed > 0 && pass.done > 0) continue;
      // Nothing claimable, or all failed (they now wait for their retry): stop, unless rows are held elsewhere.
      if (pass.claimed > 0 || !waitForHeld || !(await anyDueOutboxHead(db, workspaceIds))) return total;
      await sleep(20);
    }
  }

  let pass: Promise<void> | undefined;
  let again = false;
  function kick(): void {
    if (pass) {
      again = true;
      return;
    }
    pass = (async () => {
      do {
        again = false;
        try {
          await drainDue(false);
        } catch (error) {
          options.logger?.warn({ error: String(error) }, 'event outbox pass failed');
        }
      } while (again);
    })().finally(() => {
      pass = undefined;
    });
  }

  return {
    drainOnce,
    async drainAll() {
      await pass;
      return drainDue(true);
    },
    kick,
    async idle() {
      while (pass) await pass;
    },
    async run({ signal, pollMs = 1_000 }) {
      while (!signal.aborted) {
        kick();
        await pass;
        await sleep(pollMs, signal);
      }
      await pass;
    },
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

function toRoutable(row: ClaimedOutboxRow): RoutableEvent {
  return {
    workspaceId: row.workspaceId,
    customerId: row.customerId,
    eventId: row.eventId,
    name: row.name,
    properties: row.properties,
    occurredAt: row.occurredAt,
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.values()];
}
