/**
 * A journey run on a virtual clock: the journey machine driven to its end in one call, with events at scripted times
 * and nodes answered by a function. Bookkeeping and nodes take no time; timers jump the clock. Events due at the
 * same instant arrive together, and before a timer due then (as signals are handled before timers in a Temporal
 * activation). The differential test holds it against `journeyRun` on Temporal; previews and backtests drive it too.
 *
 * One loop (`VirtualRun`, which hands out node calls and can stop at a horizon and go on later) behind the drivers:
 * `runOnVirtualClock` answers nodes with a plain function, `runOnVirtualClockAsync` with an async one (a preview runs
 * the kinds' real activities on dry-run ports), and a backtest drives many `VirtualRun`s a day at a time as the event
 * log is read, adding each run's events as they become known.
 */
import type { CustomerEventPayload, NodeActivityResult, RunContext } from '../run';
import {
  advanceInPlace,
  awaitsTimer,
  isoInstant,
  startJourney,
  type JourneyMachineState,
  type MachineCommand,
  type MachineFeatures,
  type MachinePhase,
  type MachineInput,
  type MachineRun,
  type StepRecord,
  ALL_FEATURES,
} from './journey-machine';

export interface ScheduledEvent {
  /** When the event arrives (ms since the epoch); its `occurredAt` may be earlier. */
  atMs: number;
  event: CustomerEventPayload;
}

export interface VirtualNodeCall {
  stepId: string;
  at: string;
  holdout: boolean;
  /** 1 for the first call of this step, 2 after a deferral… */
  attempt: number;
  context: RunContext;
}

export interface VirtualRunHooks {
  /** Answers a node; throwing fails the run with the error's message. */
  runNode(call: VirtualNodeCall): NodeActivityResult;
  /** The next instant after `after` that is `time` on one of `weekdays` in the customer's zone. */
  nextLocalTime(request: { after: string; time: string; weekdays: number[] }): string;
}

/** `VirtualRunHooks` whose nodes answer asynchronously (a rejection fails the run with its message). */
export interface AsyncVirtualRunHooks extends Omit<VirtualRunHooks, 'runNode'> {
  runNode(call: VirtualNodeCall): Promise<NodeActivityResult>;
}

export interface VirtualRunOptions<Hooks> {
  startMs: number;
  events?: readonly ScheduledEvent[];
  hooks: Hooks;
  features?: MachineFeatures;
  /**
   * Where the clock stops: a run that would have to wait past this instant ends the loop as `open` (a launch
   * estimate's first touch is the run up to its first wait, `untilMs = startMs`). Unbounded by default.
   */
  untilMs?: number;
}

/** A node's answer as the loop takes it: a result, or the message of what it threw. */
export type NodeAnswer = { result: NodeActivityResult } | { error: string };

export interface VirtualRunResult {
  /** `open`: still running when the clock reached `untilMs`. */
  status: 'completed' | 'failed' | 'stuck' | 'open';
  outcome?: string;
  /** Why a failed run failed. */
  reason?: string;
  path: string[];
  steps: StepRecord[];
  nodeCalls: VirtualNodeCall[];
  finish?: { outcome: string; at: string; lastSeq: number };
  state: JourneyMachineState;
}

const NO_EVENTS: ScheduledEvent[] = [];
const RECORDED: MachineInput = { kind: 'recorded' };

/** Upper bound on transitions, so a plan that loops through deferrals forever ends as `stuck`, not a hang. */
const MAX_TRANSITIONS = 10_000;

export interface VirtualRunStart {
  startMs: number;
  nextLocalTime: VirtualRunHooks['nextLocalTime'];
  features?: MachineFeatures;
  /** false: node calls are handed out but not kept (`nodeCalls` stays empty): a driver that keeps what it needs. */
  keepNodeCalls?: boolean;
  /**
   * Called with each step as the run records it. With `keepSteps: false` the steps are not kept (`steps` stays
   * empty): a driver of many runs that adds up what it needs as they go.
   */
  onStep?: (step: StepRecord) => void;
  keepSteps?: boolean;
}

/**
 * One run on the virtual clock, driven a little at a time. `next(untilMs)` works through the machine's commands and
 * moves the clock to the next event or timer, up to `untilMs`; it stops to hand out a node call (answer it with
 * `answer`), when nothing more is due by `untilMs` (the run goes on when asked again with a later horizon), or when
 * the run has ended (`status`). Events are added in time order as they become known; a driver that adds every event
 * due by a horizon before asking for that horizon gets the run it would get with all events known from the start
 * (events due at the same instant arrive together, before a timer due then), however it splits the time.
 */
export class VirtualRun {
  status: 'running' | 'completed' | 'failed' | 'stuck' = 'running';
  outcome?: string;
  reason?: string;
  finish?: VirtualRunResult['finish'];
  readonly steps: StepRecord[] = [];
  readonly nodeCalls: VirtualNodeCall[] = [];
  private state: JourneyMachineState;
  private readonly features: MachineFeatures;
  private readonly nextLocalTime: VirtualRunHooks['nextLocalTime'];
  private readonly keepNodeCalls: boolean;
  private readonly keepSteps: boolean;
  private readonly onStep: ((step: StepRecord) => void) | undefined;
  private readonly queue: MachineCommand[] = [];
  private queueAt = 0;
  private events: ScheduledEvent[] = NO_EVENTS;
  private eventAt = 0;
  private now: number;
  private readonly startMs: number;
  /** The run's context, made when a node first puts its output in it (until then each call gets a fresh one). */
  private context: RunContext | undefined;
  /** Node calls so far by step (parallel lists: a run calls few steps, and a Map costs more than it saves). */
  private readonly attemptSteps: string[] = [];
  private readonly attemptCounts: number[] = [];
  private timerId = 0;
  private timerDueMs = 0;
  private transitions = 0;
  /** The node call handed out and not answered yet. */
  private pending: VirtualNodeCall | undefined;

  constructor(
    private readonly run: MachineRun,
    start: VirtualRunStart,
  ) {
    this.startMs = start.startMs;
    this.features = start.features ?? ALL_FEATURES;
    this.nextLocalTime = start.nextLocalTime;
    this.keepNodeCalls = start.keepNodeCalls ?? true;
    this.keepSteps = start.keepSteps ?? true;
    this.onStep = start.onStep;
    this.now = start.startMs;
    const first = startJourney(run, start.startMs, this.features);
    this.state = first.state;
    this.queue.push(...first.commands);
  }

  /** An event of the customer; events are added in the order of `atMs`. */
  addEvent(event: ScheduledEvent): void {
    const last = this.events[this.events.length - 1];
    if (last && event.atMs < last.atMs)
      throw new RangeError(`Events are added in time order: ${event.atMs} came after ${last.atMs}`);
    if (this.eventAt === this.events.length) {
      // Every event so far has arrived (or none came yet): a new list rather than the run's whole history.
      this.events = [];
      this.eventAt = 0;
    }
    this.events.push(event);
  }

  /** When the run next has something to do by itself: its next event or its timer (Infinity: nothing). */
  get dueMs(): number {
    if (this.status !== 'running') return Infinity;
    if (this.queueAt < this.queue.length || this.pending) return this.now;
    const eventAt = this.events[this.eventAt]?.atMs ?? Infinity;
    return Math.min(eventAt, this.timerPending() ? this.timerDueMs : Infinity);
  }

  /**
   * Runs up to `untilMs`: the node call to answer next, or undefined when nothing more is due by then or the run
   * has ended (see `status`).
   */
  next(untilMs = Infinity): VirtualNodeCall | undefined {
    if (this.pending) throw new Error(`Answer the call of ${this.pending.stepId} first`);
    while (this.status === 'running') {
      if (this.transitions >= MAX_TRANSITIONS) {
        this.status = 'stuck';
        break;
      }
      if (this.queueAt < this.queue.length) {
        this.transitions += 1;
        const call = this.carryOut(this.queue[this.queueAt++]!);
        if (this.queueAt === this.queue.length) {
          this.queue.length = 0;
          this.queueAt = 0;
        }
        if (call) return call;
        continue;
      }
      // Nothing to do now: move the clock to the next event or the timer, whichever is first (events on a tie).
      const timer = this.timerPending();
      const eventAt = this.events[this.eventAt]?.atMs;
      const nextAt = Math.min(eventAt ?? Infinity, timer ? this.timerDueMs : Infinity);
      if (nextAt > untilMs && nextAt !== Infinity) return undefined;
      this.transitions += 1;
      if (eventAt !== undefined && (!timer || eventAt <= this.timerDueMs)) {
        this.now = Math.max(this.now, eventAt);
        const batch: CustomerEventPayload[] = [];
        while (this.events[this.eventAt]?.atMs === eventAt) batch.push(this.events[this.eventAt++]!.event);
        this.feed({ kind: 'events', events: batch });
        continue;
      }
      if (!timer) {
        this.status = 'stuck';
        break;
      }
      this.now = Math.max(this.now, this.timerDueMs);
      const timerId = this.timerId;
      this.timerId = 0;
      this.feed({ kind: 'timer_fired', timerId });
    }
    return undefined;
  }

  /** The answer to the node call `next` handed out. */
  answer(answered: NodeAnswer): void {
    const call = this.pending;
    if (!call) throw new Error('No node call is waiting for an answer');
    this.pending = undefined;
    if ('error' in answered) {
      this.status = 'failed';
      this.reason = answered.error;
      return;
    }
    const answer = answered.result;
    if (answer.retryAt === undefined && answer.output) {
      this.context ??= this.freshContext();
      this.context.steps[call.stepId] = answer.output;
    }
    this.feed({ kind: 'node_result', result: answer });
  }

  /** The run so far; `open` for a run still going (its steps up to where the clock stopped). */
  result(): VirtualRunResult {
    return {
      status: this.status === 'running' ? 'open' : this.status,
      ...(this.outcome !== undefined ? { outcome: this.outcome } : {}),
      ...(this.reason !== undefined ? { reason: this.reason } : {}),
      path: this.steps.map((s) => s.nodeId),
      steps: this.steps,
      nodeCalls: this.nodeCalls,
      ...(this.finish ? { finish: this.finish } : {}),
      state: this.state,
    };
  }

  /** The machine's phase (what the run is waiting for). */
  get phase(): MachinePhase {
    return this.state.phase;
  }

  /** The context as the run entered: when, the entry event, no outputs yet. */
  private freshContext(): RunContext {
    return {
      enteredAt: isoInstant(this.startMs),
      ...(this.run.entryEvent ? { entry: structuredClone(this.run.entryEvent) } : {}),
      steps: {},
    };
  }

  private timerPending(): boolean {
    return this.timerId !== 0 && awaitsTimer(this.state, this.timerId);
  }

  private feed(input: MachineInput): void {
    advanceInPlace(this.run, this.state, input, this.now, this.features, this.queue);
  }

  private carryOut(command: MachineCommand): VirtualNodeCall | undefined {
    switch (command.kind) {
      case 'register':
        this.feed(RECORDED);
        return undefined;
      case 'record_step':
        if (this.keepSteps) this.steps.push(command.step);
        this.onStep?.(command.step);
        this.feed(RECORDED);
        return undefined;
      case 'resolve_local_time':
        this.feed({ kind: 'local_time', until: this.nextLocalTime(command) });
        return undefined;
      case 'run_node': {
        let slot = this.attemptSteps.indexOf(command.stepId);
        if (slot < 0) {
          slot = this.attemptSteps.length;
          this.attemptSteps.push(command.stepId);
          this.attemptCounts.push(0);
        }
        const attempt = this.attemptCounts[slot]! + 1;
        this.attemptCounts[slot] = attempt;
        const call: VirtualNodeCall = {
          stepId: command.stepId,
          at: command.at,
          holdout: command.holdout,
          attempt,
          // The node's own copy, as an activity gets it.
          context: this.context ? structuredClone(this.context) : this.freshContext(),
        };
        if (this.keepNodeCalls) this.nodeCalls.push(call);
        this.pending = call;
        return call;
      }
      case 'start_timer':
        this.timerId = command.timerId;
        this.timerDueMs = this.now + command.ms;
        return undefined;
      case 'finish':
        this.finish = { outcome: command.outcome, at: command.at, lastSeq: command.lastSeq };
        this.feed(RECORDED);
        this.status = 'completed';
        this.outcome = command.outcome;
        return undefined;
      case 'fail':
        this.status = 'failed';
        this.reason = command.reason;
        return undefined;
    }
  }
}

function virtualRunOf(run: MachineRun, options: VirtualRunOptions<Pick<VirtualRunHooks, 'nextLocalTime'>>) {
  const virtual = new VirtualRun(run, {
    startMs: options.startMs,
    nextLocalTime: options.hooks.nextLocalTime,
    ...(options.features ? { features: options.features } : {}),
  });
  // A stable sort: events due at the same instant arrive in the order given.
  for (const event of [...(options.events ?? [])].sort((a, b) => a.atMs - b.atMs)) virtual.addEvent(event);
  return virtual;
}

export function runOnVirtualClock(
  run: MachineRun,
  options: VirtualRunOptions<VirtualRunHooks>,
): VirtualRunResult {
  const virtual = virtualRunOf(run, options);
  for (let call = virtual.next(options.untilMs); call; call = virtual.next(options.untilMs)) {
    let answer: NodeAnswer;
    try {
      answer = { result: options.hooks.runNode(call) };
    } catch (error) {
      answer = { error: error instanceof Error ? error.message : String(error) };
    }
    virtual.answer(answer);
  }
  return virtual.result();
}

export async function runOnVirtualClockAsync(
  run: MachineRun,
  options: VirtualRunOptions<AsyncVirtualRunHooks>,
): Promise<VirtualRunResult> {
  const virtual = virtualRunOf(run, options);
  for (let call = virtual.next(options.untilMs); call; call = virtual.next(options.untilMs)) {
    let answer: NodeAnswer;
    try {
      answer = { result: await options.hooks.runNode(call) };
    } catch (error) {
      answer = { error: error instanceof Error ? error.message : String(error) };
    }
    virtual.answer(answer);
  }
  return virtual.result();
}
