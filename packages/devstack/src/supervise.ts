/**
 * Keeps a long-running service of the local stack up: when it stops on its own (a crash, an out-of-memory kill),
 * it is started again after a back-off that doubles while it keeps failing fast, and the reason is said. A stack
 * where one crashed worker stops everything loses the runs it was carrying until someone notices.
 */
import { isShuttingDown, type ExitInfo } from './processes.js';

/** 1 s, 2 s, 4 s … up to `maxMs` for the n-th failure in a row (n ≥ 1). */
export function restartDelayMs(failuresInARow: number, maxMs = 30_000): number {
  return Math.min(maxMs, 1_000 * 2 ** Math.max(0, failuresInARow - 1));
}

/** What a supervisor needs of a service: when it stopped. A ManagedProcess is one; so is a started PostgreSQL. */
export interface Running {
  readonly exited: Promise<ExitInfo>;
}

export interface SuperviseOptions<P extends Running> {
  name: string;
  /** Starts (or starts again) the service; may wait until it is ready (PostgreSQL, Temporal). */
  start(): P | Promise<P>;
  /** The service as already started by the caller: supervised from now on, started again only once it stops. */
  initial?: P;
  /** Told about each start, e.g. to record the new pid. */
  onStart?(proc: P): void | Promise<void>;
  say(line: string): void;
  /** A run at least this long counts as healthy: the next failure starts the back-off over. */
  healthyAfterMs?: number;
  maxDelayMs?: number;
}

export interface Supervised<P extends Running> {
  /** The process running now (or the last one, while waiting to restart). */
  current(): P;
  /** How many times it was started again. */
  restarts(): number;
}

export function supervise<P extends Running>(options: SuperviseOptions<P>): Supervised<P> {
  const healthyAfterMs = options.healthyAfterMs ?? 60_000;
  let failuresInARow = 0;
  let restarts = 0;
  let proc: P;

  const restartAfter = (delay: number): void => {
    setTimeout(() => {
      if (isShuttingDown()) return;
      restarts += 1;
      void launch();
    }, delay).unref();
  };
  const watch = (startedAt: number): void => {
    void proc.exited.then(({ code, signal }) => {
      if (isShuttingDown()) return;
      failuresInARow = Date.now() - startedAt >= healthyAfterMs ? 1 : failuresInARow + 1;
      const delay = restartDelayMs(failuresInARow, options.maxDelayMs);
      options.say(
        `${options.name} stopped (${signal ?? `exit code ${String(code)}`}); starting it again in ${delay / 1000}s` +
          (failuresInARow > 1 ? ` (failure ${failuresInARow} in a row)` : ''),
      );
      restartAfter(delay);
    });
  };
  const launch = async (): Promise<void> => {
    const startedAt = Date.now();
    try {
      proc = await options.start();
    } catch (error) {
      // A start that fails (a port still held, a server not ready in time) counts as a failure in a row.
      failuresInARow += 1;
      const delay = restartDelayMs(failuresInARow, options.maxDelayMs);
      options.say(
        `${options.name} could not be started (${error instanceof Error ? error.message : String(error)}); ` +
          `trying again in ${delay / 1000}s`,
      );
      restartAfter(delay);
      return;
    }
    void options.onStart?.(proc);
    watch(startedAt);
  };
  if (options.initial) {
    proc = options.initial;
    watch(Date.now());
  } else void launch();
  return { current: () => proc, restarts: () => restarts };
}
