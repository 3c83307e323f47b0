/**
 * Keeps a long-running service of the local stack up: when it stops on its own (a crash, an out-of-memory kill),
 * it is started again after a back-off that doubles while it keeps failing fast, and the reason is said. A stack
 * where one crashed worker stops everything loses the runs it was carrying until someone notices.
 */
import { isShuttingDown, type ManagedProcess } from './processes.js';

/** 1 s, 2 s, 4 s … up to `maxMs` for the n-th failure in a row (n ≥ 1). */
export function restartDelayMs(failuresInARow: number, maxMs = 30_000): number {
  return Math.min(maxMs, 1_000 * 2 ** Math.max(0, failuresInARow - 1));
}

export interface SuperviseOptions {
  name: string;
  /** Starts (or starts again) the process. */
  start(): ManagedProcess;
  /** Told about each start, e.g. to record the new pid. */
  onStart?(proc: ManagedProcess): void | Promise<void>;
  say(line: string): void;
  /** A run at least this long counts as healthy: the next failure starts the back-off over. */
  healthyAfterMs?: number;
  maxDelayMs?: number;
}

export interface Supervised {
  /** The process running now (or the last one, while waiting to restart). */
  current(): ManagedProcess;
  /** How many times it was started again. */
  restarts(): number;
}

export function supervise(options: SuperviseOptions): Supervised {
  const healthyAfterMs = options.healthyAfterMs ?? 60_000;
  let failuresInARow = 0;
  let restarts = 0;
  let proc: ManagedProcess;

  const launch = (): void => {
    const startedAt = Date.now();
    proc = options.start();
    void options.onStart?.(proc);
    void proc.exited.then(({ code, signal }) => {
      if (isShuttingDown()) return;
      failuresInARow = Date.now() - startedAt >= healthyAfterMs ? 1 : failuresInARow + 1;
      const delay = restartDelayMs(failuresInARow, options.maxDelayMs);
      options.say(
        `${options.name} stopped (${signal ?? `exit code ${String(code)}`}); starting it again in ${delay / 1000}s` +
          (failuresInARow > 1 ? ` (failure ${failuresInARow} in a row)` : ''),
      );
      setTimeout(() => {
        if (isShuttingDown()) return;
        restarts += 1;
        launch();
      }, delay).unref();
    });
  };
  launch();
  return { current: () => proc, restarts: () => restarts };
}
