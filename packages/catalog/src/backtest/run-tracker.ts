/**
 * The backtest's journey runs, driven by the journey machine (`runOnVirtualClock`) while the event log streams by.
 * A run only ever sees its customer's events up to the horizon the log has been read to, so it is driven again from
 * its entry whenever an event of its customer arrives. A run whose end lies at or before the horizon is final: no
 * later event can change what happened before it; and once the horizon passes the end the last drive foresaw with no
 * event in between, that drive is final as it stands. Runs are short
 * (days, a few events), so driving again is cheap, and nothing but the active runs is kept per customer.
 */
import {
  runOnVirtualClock,
  type MachineRun,
  type ScheduledEvent,
  type VirtualRunHooks,
  type VirtualRunResult,
} from '@wakeflow/journey/machine';

export interface TrackedRun<Info> {
  run: MachineRun;
  startMs: number;
  info: Info;
  events: ScheduledEvent[];
  /** Drive again once the horizon reaches this time (the last drive's end), or at once after a new event. */
  recheckAtMs: number;
  dirty: boolean;
  last?: VirtualRunResult;
}

export interface FinishedRun<Info> {
  run: MachineRun;
  startMs: number;
  info: Info;
  result: VirtualRunResult;
  /** Still going when the log ended: its steps up to `horizonMs` are known, not how it ends. */
  open: boolean;
  horizonMs: number;
}

export class RunTracker<Info> {
  private readonly active = new Map<string, TrackedRun<Info>>();

  constructor(
    private readonly hooksFor: (run: MachineRun, info: Info) => VirtualRunHooks,
    private readonly onFinished: (finished: FinishedRun<Info>) => void,
  ) {}

  get size(): number {
    return this.active.size;
  }

  /** Whether the customer is in a run of the journey (a new entry is refused, as the run starter does). */
  has(customerId: string): boolean {
    return this.active.has(customerId);
  }

  start(run: MachineRun, startMs: number, info: Info): void {
    this.active.set(run.customerId, {
      run,
      startMs,
      info,
      events: [],
      recheckAtMs: startMs,
      dirty: true,
    });
  }

  /** An event of the log; only the customer's active run hears of it. */
  addEvent(customerId: string, event: ScheduledEvent): void {
    const tracked = this.active.get(customerId);
    if (!tracked || event.atMs < tracked.startMs) return;
    tracked.events.push(event);
    tracked.dirty = true;
  }

  /** Every event up to `horizonMs` has been added: drive what could have changed, and finish what has ended. */
  advanceTo(horizonMs: number): void {
    for (const [customerId, tracked] of this.active) {
      if (!tracked.dirty && tracked.recheckAtMs > horizonMs) continue;
      // Not dirty: no event arrived between the last drive's horizon and its end, so that drive is the run.
      const result = !tracked.dirty && tracked.last ? tracked.last : this.drive(tracked);
      const endMs = result.finish ? Date.parse(result.finish.at) : undefined;
      if (result.status !== 'completed' || (endMs !== undefined && endMs <= horizonMs)) {
        this.active.delete(customerId);
        this.onFinished({ ...this.finished(tracked, result), open: false, horizonMs });
        continue;
      }
      tracked.dirty = false;
      tracked.last = result;
      tracked.recheckAtMs = endMs ?? horizonMs;
    }
  }

  /** The log has ended at `horizonMs`: runs that end by then are final, the others are reported open. */
  finishAll(horizonMs: number): void {
    this.advanceTo(horizonMs);
    for (const tracked of this.active.values()) {
      const result = tracked.last ?? this.drive(tracked);
      this.onFinished({ ...this.finished(tracked, result), open: true, horizonMs });
    }
    this.active.clear();
  }

  private finished(tracked: TrackedRun<Info>, result: VirtualRunResult) {
    return { run: tracked.run, startMs: tracked.startMs, info: tracked.info, result };
  }

  private drive(tracked: TrackedRun<Info>): VirtualRunResult {
    return runOnVirtualClock(tracked.run, {
      startMs: tracked.startMs,
      events: tracked.events,
      hooks: this.hooksFor(tracked.run, tracked.info),
    });
  }
}
