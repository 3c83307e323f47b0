/**
 * The backtest's journey runs, driven by the journey machine on the virtual clock (`VirtualRun` of
 * @wakeflow/journey/machine) while the event log streams by. A run hears its customer's events as the log reaches
 * them and is driven up to the horizon the log has been read to, never past it: what it did up to the horizon is
 * final, since every event due by then is known (the log is read in time order). So each run is driven once, a day
 * at a time, and each of its node calls is made once. A run whose end lies at or before the horizon is over; runs
 * still going when the log ends are reported open with the steps taken by then. Only the active runs are kept.
 */
import {
  VirtualRun,
  type MachineRun,
  type NodeAnswer,
  type ScheduledEvent,
  type StepRecord,
  type VirtualNodeCall,
  type VirtualRunHooks,
  type VirtualRunResult,
} from '@wakeflow/journey/machine';

/** The node and local-time answers of the tracked runs, with the run and what the caller keeps of it. */
export interface TrackedRunHooks<Info> {
  runNode(call: VirtualNodeCall, run: MachineRun, info: Info): ReturnType<VirtualRunHooks['runNode']>;
  nextLocalTime(request: Parameters<VirtualRunHooks['nextLocalTime']>[0], info: Info): string;
  /** Each step as a run records it; when given, runs do not keep their steps (the caller adds them up). */
  stepRecorded?(step: StepRecord, run: MachineRun, info: Info): void;
}

class TrackedRun<Info> {
  readonly virtual: VirtualRun;
  /** The UTC day the run is next due (its next event or timer), the bucket it waits in. */
  dueDay = Infinity;

  constructor(
    readonly run: MachineRun,
    readonly startMs: number,
    readonly info: Info,
    private readonly hooks: TrackedRunHooks<Info>,
  ) {
    // Methods bound, not closures made per run: a backtest starts millions of runs.
    this.virtual = new VirtualRun(run, {
      startMs,
      nextLocalTime: this.nextLocalTime.bind(this),
      keepNodeCalls: false,
      ...(hooks.stepRecorded ? { keepSteps: false, onStep: this.stepRecorded.bind(this) } : {}),
    });
  }

  private nextLocalTime(request: Parameters<VirtualRunHooks['nextLocalTime']>[0]): string {
    return this.hooks.nextLocalTime(request, this.info);
  }

  private stepRecorded(step: StepRecord): void {
    this.hooks.stepRecorded?.(step, this.run, this.info);
  }
}

const DAY_MS = 86_400_000;

export interface FinishedRun<Info> {
  run: MachineRun;
  startMs: number;
  info: Info;
  /** The run's end, and its steps unless the hooks take them (node calls are not kept: the hooks see each one). */
  result: VirtualRunResult;
  /** Still going when the log ended: its steps up to `horizonMs` are known, not how it ends. */
  open: boolean;
  horizonMs: number;
}

export class RunTracker<Info> {
  private readonly active = new Map<string, TrackedRun<Info>>();
  /** Active runs by the UTC day they are next due: a horizon visits only the runs with something to do by then. */
  private readonly due = new Map<number, Set<TrackedRun<Info>>>();
  /** No run is due before this day. */
  private firstDueDay = Infinity;

  constructor(
    private readonly hooks: TrackedRunHooks<Info>,
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
    const tracked = new TrackedRun(run, startMs, info, this.hooks);
    this.active.set(run.customerId, tracked);
    this.queue(tracked);
  }

  /** An event of the log, in time order; only the customer's active run hears of it. */
  addEvent(customerId: string, event: ScheduledEvent): void {
    const tracked = this.active.get(customerId);
    if (!tracked || event.atMs < tracked.startMs) return;
    tracked.virtual.addEvent(event);
    this.queue(tracked);
  }

  /** Every event up to `horizonMs` has been added: drive the runs up to it, and finish those that have ended. */
  advanceTo(horizonMs: number): void {
    const lastDay = Math.floor(horizonMs / DAY_MS);
    for (let day = this.firstDueDay; day <= lastDay; day++) {
      const runs = this.due.get(day);
      if (!runs) continue;
      for (const tracked of runs) {
        if (tracked.virtual.dueMs > horizonMs) continue;
        runs.delete(tracked);
        tracked.dueDay = Infinity;
        this.drive(tracked, horizonMs);
        if (tracked.virtual.status === 'running') {
          this.queue(tracked);
          continue;
        }
        this.active.delete(tracked.run.customerId);
        this.onFinished({ ...this.finished(tracked), open: false, horizonMs });
      }
      if (runs.size === 0) this.due.delete(day);
    }
    // Runs due later on the horizon's day wait in its bucket.
    this.firstDueDay = this.due.has(lastDay) ? lastDay : lastDay + 1;
  }

  /** Files the run under the day it is next due (sooner after a new event; it is due at once when started). */
  private queue(tracked: TrackedRun<Info>): void {
    const day = Math.floor(tracked.virtual.dueMs / DAY_MS);
    if (day >= tracked.dueDay) return;
    this.due.get(tracked.dueDay)?.delete(tracked);
    let runs = this.due.get(day);
    if (!runs) this.due.set(day, (runs = new Set()));
    runs.add(tracked);
    tracked.dueDay = day;
    this.firstDueDay = Math.min(this.firstDueDay, day);
  }

  /** The log has ended at `horizonMs`: runs that end by then are final, the others are reported open. */
  finishAll(horizonMs: number): void {
    this.advanceTo(horizonMs);
    for (const tracked of this.active.values())
      this.onFinished({ ...this.finished(tracked), open: true, horizonMs });
    this.active.clear();
    this.due.clear();
    this.firstDueDay = Infinity;
  }

  private finished(tracked: TrackedRun<Info>) {
    return {
      run: tracked.run,
      startMs: tracked.startMs,
      info: tracked.info,
      result: tracked.virtual.result(),
    };
  }

  private drive(tracked: TrackedRun<Info>, horizonMs: number): void {
    const { virtual, run, info } = tracked;
    for (let call = virtual.next(horizonMs); call; call = virtual.next(horizonMs)) {
      let answer: NodeAnswer;
      try {
        answer = { result: this.hooks.runNode(call, run, info) };
      } catch (error) {
        answer = { error: error instanceof Error ? error.message : String(error) };
      }
      virtual.answer(answer);
    }
  }
}
