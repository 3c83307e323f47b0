/**
 * The journey machine: what a plan means, once. A pure, deterministic state machine for one customer — state +
 * input (an acknowledgement, a local time, a node's result, a timer firing, events arriving) → new state + commands
 * (register, record a step, resolve a local time, run a node, start a timer, finish, fail). It does no I/O and reads
 * no clock: every input comes with the time it happened, and drivers carry the commands out — `journeyRun` on
 * Temporal, a virtual clock for previews and tests (./virtual-run.ts), later a cohort of customers per workflow.
 *
 * The state is small and plain (ids, a step pointer, a timer), so it serialises and can be carried across
 * `continueAsNew`; node outputs (the run's context) are the driver's to keep, the machine never reads them.
 *
 * The transitions reproduce `journeyRun`'s recorded behaviour exactly, including the order of commands, so histories
 * of runs started before the machine existed replay: e.g. a `sleep_until_local` whose goal was met while its local
 * time was being resolved still starts (and at once drops) its timer. Behaviour added later is asked for through
 * `MachineFeatures` at the point the interpreter first asked `patched()`.
 *
 * Plain TypeScript with type-only imports of the schemas: workflow code imports this module, and the Temporal SDK
 * evaluates a workflow's imports again for every run it keeps cached.
 */
import { stableBucket } from '../canonical-json';
import type { PlanStep, WaitEvent } from '../plan';
import { matchesFilters } from '../property-match';
import type { CustomerEventPayload, JourneyRunInput, NodeActivityResult, RunStepRecord } from '../run';
import type { JourneyControl } from '../run-names';

/** Behaviour introduced after runs were already in flight, named by the `patched()` id that guards it. */
export type MachineFeature =
  | 'events-count-from-when-waiting-began'
  | 'forced-arms'
  /** A wait begins when the run entered its step, and events arriving while the step is recorded count for it. */
  | 'wait-begins-at-step-entry'
  /** Runs obey the journey control signal (stop, remove, resume); the driver asks when the first one arrives. */
  | 'journey-control';

/** Whether a run has a later behaviour: Temporal answers with `patched()`; everything else with `ALL_FEATURES`. */
export interface MachineFeatures {
  has(feature: MachineFeature): boolean;
}

/** Every behaviour on: new runs, previews, backtests. */
export const ALL_FEATURES: MachineFeatures = { has: () => true };

/** What the machine reads of a run's input; fixed for the run's life. */
export type MachineRun = Pick<
  JourneyRunInput,
  'journeyId' | 'customerId' | 'holdout' | 'entryEvent' | 'forcedArms'
> & { plan: Pick<JourneyRunInput['plan'], 'entryStepId' | 'steps' | 'settings'> };

export type SplitArmTaken = NonNullable<RunStepRecord['splitArm']>;

/** A step as recorded: everything of `RunStepRecord` but the run's ids. */
export type StepRecord = Omit<RunStepRecord, 'runId' | 'workspaceId'>;

/** What the machine is waiting for. Phases with a `timerId` end when that timer fires (or sooner). */
export type MachinePhase =
  | { kind: 'registering' }
  | { kind: 'recording' }
  | { kind: 'resolving_local_time' }
  | { kind: 'running_node' }
  | { kind: 'sleeping'; timerId: number; until: string }
  | { kind: 'waiting'; timerId: number; until: string; beganMs: number }
  /** `held`: by a paused journey, so a resume runs the step at once. */
  | { kind: 'deferred'; timerId: number; until: string; held?: true }
  | { kind: 'finishing'; outcome: string }
  | { kind: 'finished'; outcome: string }
  | { kind: 'failed'; reason: string };

export interface JourneyMachineState {
  phase: MachinePhase;
  /** The step the run is at (the last one entered). */
  stepId: string;
  /** 0 for the trigger, then +1 per step. */
  seq: number;
  enteredAtMs: number;
  /** In the control group: the journey's holdout, or a holdout arm taken at a split. */
  holdout: boolean;
  /** Events count by when they occurred (waits from when they began, the goal from entry), not by arrival alone. */
  countsByOccurrence: boolean;
  /**
   * A wait begins when its step was entered, not when the step's record was acknowledged: under a backlog the two can
   * be minutes apart, and an event in between happened after the run (and its view) reached the wait.
   */
  waitBeginsAtStepEntry: boolean;
  /** When the run entered its current step (ms since the epoch). */
  stepEnteredAtMs: number;
  /** The outcome of a wait whose event arrived while the wait's step was still being recorded. */
  earlyWaitOutcome: string | null;
  goalReached: boolean;
  /** Events already counted: the same event may be delivered twice. */
  seenEventIds: string[];
  /** What the next step's record says about the step before it. */
  previous: Pick<StepRecord, 'previousOutcome' | 'splitArm'>;
  /** The last timer id handed out. */
  timerSeq: number;
  /** An operator ended the run (stop, remove) while it was busy: it finishes with this outcome at its next step. */
  endRequested?: string;
}

export type MachineCommand =
  /** Write the run's row. Acknowledge with `recorded`. */
  | { kind: 'register'; at: string }
  /** Write a step of the path. Acknowledge with `recorded`. */
  | { kind: 'record_step'; step: StepRecord }
  /** The next instant after `after` that is `time` on one of `weekdays` in the customer's zone. Answer with `local_time`. */
  | { kind: 'resolve_local_time'; after: string; time: string; weekdays: number[] }
  /** Run the node of an activity step. Answer with `node_result`. */
  | { kind: 'run_node'; stepId: string; at: string; holdout: boolean }
  /**
   * Fire `timer_fired` with this id after `ms`, unless the machine has stopped waiting for it by then (events can
   * end a wait early; a timer the machine no longer waits for by the end of the same transition is dropped at once).
   */
  | { kind: 'start_timer'; timerId: number; ms: number }
  /** Record the run's end. Acknowledge with `recorded`; the run is then over. */
  | { kind: 'finish'; outcome: string; at: string; lastSeq: number }
  /** The plan cannot go on (a missing step or path): the run fails with this reason. */
  | { kind: 'fail'; reason: string };

export type MachineInput =
  | { kind: 'recorded' }
  | { kind: 'local_time'; until: string }
  | { kind: 'node_result'; result: NodeActivityResult }
  | { kind: 'timer_fired'; timerId: number }
  /** Events that arrived together, in arrival order. */
  | { kind: 'events'; events: readonly CustomerEventPayload[] }
  /** An operator's control of the run (feature `journey-control`: the driver feeds it only when that is on). */
  | { kind: 'control'; control: JourneyControl };

export interface MachineTransition {
  state: JourneyMachineState;
  commands: MachineCommand[];
}

/** Thrown when a driver feeds an input the machine is not waiting for: a bug in the driver, never in a plan. */
export class MachineMisuseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MachineMisuseError';
  }
}

/**
 * An instant as an ISO string (`toISOString`), from the last few written, round robin, round robin. A run writes the same instant many times in a row (its
 * register, step records and node calls at one clock reading) and a backtest's runs entering together share theirs;
 * `toISOString` costs microseconds, a lookup nothing. A pure cache: the same string for the same instant.
 */
const ISO_SLOTS = 4;
const isoMs = new Float64Array(ISO_SLOTS).fill(Number.NaN);
const isoText: string[] = new Array<string>(ISO_SLOTS).fill('');
let isoNext = 0;

export function isoInstant(ms: number): string {
  for (let slot = 0; slot < ISO_SLOTS; slot++) if (isoMs[slot] === ms) return isoText[slot]!;
  const text = new Date(ms).toISOString();
  isoMs[isoNext] = ms;
  isoText[isoNext] = text;
  isoNext = (isoNext + 1) % ISO_SLOTS;
  return text;
}
const iso = isoInstant;

/** An event whose `occurredAt` does not parse never counts: it cannot be shown to be recent. */
function occurredSince(event: CustomerEventPayload, sinceMs: number): boolean {
  return Date.parse(event.occurredAt) >= sinceMs;
}

/** The first event (in arrival order) that one of the wait's events accepts, and which. */
export function matchWait(
  events: readonly CustomerEventPayload[],
  waits: readonly WaitEvent[],
  entry?: CustomerEventPayload,
): WaitEvent | undefined {
  for (const event of events) {
    for (const wait of waits) {
      if (wait.event !== event.name) continue;
      if (!matchesFilters(event.properties, wait.filters)) continue;
      if (wait.correlationKey !== undefined) {
        const expected = entry?.properties[wait.correlationKey];
        if (expected === undefined || expected === null || event.properties[wait.correlationKey] !== expected)
          continue;
      }
      return wait;
    }
  }
  return undefined;
}

/** The arm a customer draws at a split: a hash of stable ids, so a replay or re-entry draws the same. */
export function drawArm(
  arms: readonly { name: string; percent: number; holdout: boolean }[],
  key: string,
): { name: string; holdout: boolean } {
  const bucket = stableBucket(key);
  let upper = 0;
  for (const arm of arms) {
    upper += arm.percent;
    if (bucket < upper) return arm;
  }
  return arms[arms.length - 1]!;
}

/** Whether the machine is still waiting for this timer to fire. */
export function awaitsTimer(state: JourneyMachineState, timerId: number): boolean {
  const { phase } = state;
  return (
    (phase.kind === 'sleeping' || phase.kind === 'waiting' || phase.kind === 'deferred') &&
    phase.timerId === timerId
  );
}

export function hasSeenEvent(state: JourneyMachineState, eventId: string): boolean {
  return state.seenEventIds.includes(eventId);
}

/** Starts a run entering now: decides once which event-counting rule it follows, and registers it. */
export function startJourney(run: MachineRun, nowMs: number, features: MachineFeatures): MachineTransition {
  const state: JourneyMachineState = {
    phase: { kind: 'registering' },
    stepId: run.plan.entryStepId,
    seq: 0,
    enteredAtMs: nowMs,
    holdout: run.holdout,
    countsByOccurrence: features.has('events-count-from-when-waiting-began'),
    waitBeginsAtStepEntry: features.has('wait-begins-at-step-entry'),
    stepEnteredAtMs: nowMs,
    earlyWaitOutcome: null,
    goalReached: false,
    seenEventIds: [],
    previous: {},
    timerSeq: 0,
  };
  return { state, commands: [{ kind: 'register', at: iso(nowMs) }] };
}

/** Feeds one input at time `nowMs` (ms since the epoch, the driver's clock). */
export function advance(
  run: MachineRun,
  current: JourneyMachineState,
  input: MachineInput,
  nowMs: number,
  features: MachineFeatures,
): MachineTransition {
  const commands: MachineCommand[] = [];
  const state = { ...current };
  new Transition(run, state, nowMs, features, commands).apply(input);
  return { state, commands };
}

/**
 * `advance` for a driver that owns its state and nothing else holds it (the virtual clock): the same transition,
 * with `state` changed in place and the commands appended to `commands`, instead of a copy and a new list per input.
 */
export function advanceInPlace(
  run: MachineRun,
  state: JourneyMachineState,
  input: MachineInput,
  nowMs: number,
  features: MachineFeatures,
  commands: MachineCommand[],
): void {
  new Transition(run, state, nowMs, features, commands).apply(input);
}

/**
 * One transition, on the state it is given (`advance` gives it a copy, so callers' states are never changed). The
 * state's nested parts (phase, previous, seen events) are only ever replaced, never changed, so a shallow copy is
 * enough.
 */
class Transition {
  constructor(
    private readonly run: MachineRun,
    readonly state: JourneyMachineState,
    private readonly nowMs: number,
    private readonly features: MachineFeatures,
    readonly commands: MachineCommand[],
  ) {}

  apply(input: MachineInput): void {
    const { phase } = this.state;
    // A run ended by an operator while busy finishes when the busy part answers, before its next step.
    const ending = this.state.endRequested;
    if (
      ending !== undefined &&
      ((input.kind === 'recorded' && (phase.kind === 'registering' || phase.kind === 'recording')) ||
        (input.kind === 'local_time' && phase.kind === 'resolving_local_time') ||
        (input.kind === 'node_result' && phase.kind === 'running_node'))
    )
      return this.finish(ending);
    switch (input.kind) {
      case 'recorded':
        if (phase.kind === 'registering') return this.enter(this.run.plan.entryStepId);
        if (phase.kind === 'recording') return this.stepRecorded();
        if (phase.kind === 'finishing') {
          this.state.phase = { kind: 'finished', outcome: phase.outcome };
          return;
        }
        throw new MachineMisuseError(`Nothing to acknowledge while ${phase.kind}`);
      case 'local_time': {
        if (phase.kind !== 'resolving_local_time')
          throw new MachineMisuseError(`A local time arrived while ${phase.kind}`);
        const ms = Date.parse(input.until) - this.nowMs;
        if (ms > 0) {
          this.startTimer(ms, (timerId) => ({ kind: 'sleeping', timerId, until: input.until }));
          // The goal may have been met while the time was resolved: the timer was already started, then dropped.
          if (this.state.goalReached) this.leave('next');
          return;
        }
        return this.leave('next');
      }
      case 'node_result': {
        if (phase.kind !== 'running_node')
          throw new MachineMisuseError(`A node result arrived while ${phase.kind}`);
        const { result } = input;
        // A deferral ("not before 08:00 local") is a durable timer, at least a second so it can never spin.
        if (result.retryAt !== undefined && !this.state.goalReached) {
          const until = result.retryAt;
          this.startTimer(Math.max(Date.parse(until) - this.nowMs, 1_000), (timerId) => ({
            kind: 'deferred',
            timerId,
            until,
            ...(result.held === true ? { held: true as const } : {}),
          }));
          return;
        }
        if (this.state.goalReached) return this.finishAtGoal();
        return this.leave(result.outcome);
      }
      case 'timer_fired':
        if (!awaitsTimer(this.state, input.timerId)) return;
        if (phase.kind === 'sleeping') return this.leave('next');
        if (phase.kind === 'waiting') return this.leave(this.currentWait().timeoutOutcome);
        return this.runNode();
      case 'events':
        return this.eventsArrived(input.events);
      case 'control':
        return this.control(input.control);
    }
  }

  private control(control: JourneyControl): void {
    const { phase } = this.state;
    if (phase.kind === 'finishing' || phase.kind === 'finished' || phase.kind === 'failed') return;
    if (control.action === 'resume') {
      if (phase.kind === 'deferred' && phase.held) this.runNode();
      return;
    }
    // Asleep, waiting or deferred: nothing is in flight, so the run ends now (its timer is dropped).
    if (phase.kind === 'sleeping' || phase.kind === 'waiting' || phase.kind === 'deferred')
      return this.finish(control.outcome);
    this.state.endRequested ??= control.outcome;
  }

  private step(stepId: string): PlanStep | undefined {
    return Object.hasOwn(this.run.plan.steps, stepId) ? this.run.plan.steps[stepId] : undefined;
  }

  private currentStep(): PlanStep {
    const step = this.step(this.state.stepId);
    if (!step) throw new MachineMisuseError(`The run is at step ${this.state.stepId}, which the plan lacks`);
    return step;
  }

  private currentWait(): Extract<PlanStep, { op: 'wait' }> {
    const step = this.currentStep();
    if (step.op !== 'wait') throw new MachineMisuseError(`Step ${step.id} is no wait`);
    return step;
  }

  private enter(stepId: string): void {
    const step = this.step(stepId);
    if (!step) return this.fail(`Plan has no step ${stepId}`);
    this.state.stepId = stepId;
    this.state.stepEnteredAtMs = this.nowMs;
    this.state.earlyWaitOutcome = null;
    this.state.phase = { kind: 'recording' };
    this.commands.push({
      kind: 'record_step',
      step: { nodeId: stepId, seq: this.state.seq, at: iso(this.nowMs), ...this.state.previous },
    });
  }

  /** The step is recorded: do what it says. */
  private stepRecorded(): void {
    if (this.state.goalReached) return this.finishAtGoal();
    const step = this.currentStep();
    switch (step.op) {
      case 'entry':
        return this.leave('next');
      case 'sleep': {
        const until = iso(this.nowMs + step.ms);
        return this.startTimer(step.ms, (timerId) => ({ kind: 'sleeping', timerId, until }));
      }
      case 'sleep_until_local':
        this.state.phase = { kind: 'resolving_local_time' };
        this.commands.push({
          kind: 'resolve_local_time',
          after: iso(this.nowMs),
          time: step.time,
          weekdays: step.weekdays,
        });
        return;
      case 'wait': {
        // Only events that arrive from now on count for this wait (and, by occurrence, only those that occurred
        // from now on: an old event delivered late is not the customer coming back now).
        const beganMs = this.state.waitBeginsAtStepEntry ? this.state.stepEnteredAtMs : this.nowMs;
        const early = this.state.earlyWaitOutcome;
        if (early !== null) return this.leave(early);
        const until = iso(this.nowMs + step.timeoutMs);
        return this.startTimer(step.timeoutMs, (timerId) => ({ kind: 'waiting', timerId, until, beganMs }));
      }
      case 'split': {
        let arm = drawArm(step.arms, `split:${this.run.journeyId}:${step.id}:${this.run.customerId}`);
        // An experiment's winner replaces the drawn messaging arm; holdout arms keep their share so lift can still
        // be measured. Asked only when it could matter, where the interpreter first asked.
        const forced = this.run.forcedArms?.[step.id];
        if (forced !== undefined && !arm.holdout && this.features.has('forced-arms')) {
          arm = step.arms.find((a) => a.name === forced && !a.holdout) ?? arm;
        }
        if (arm.holdout) this.state.holdout = true;
        return this.leave(arm.name, { stepId: step.id, arm: arm.name, holdout: arm.holdout });
      }
      case 'activity':
        return this.runNode();
      case 'exit':
        return this.finish(step.outcome);
    }
  }

  private runNode(): void {
    this.state.phase = { kind: 'running_node' };
    this.commands.push({
      kind: 'run_node',
      stepId: this.state.stepId,
      at: iso(this.nowMs),
      holdout: this.state.holdout,
    });
  }

  private startTimer(ms: number, phase: (timerId: number) => MachinePhase): void {
    this.state.timerSeq += 1;
    const timerId = this.state.timerSeq;
    this.state.phase = phase(timerId);
    this.commands.push({ kind: 'start_timer', timerId, ms });
  }

  /** The current step ended with `outcome`: on to the step that outcome leads to, unless the goal ends the run. */
  private leave(outcome: string, splitArm?: SplitArmTaken): void {
    if (this.state.goalReached) return this.finishAtGoal();
    const step = this.currentStep();
    const nextId = step.next[outcome];
    if (nextId === undefined) return this.fail(`Step ${step.id} has no path for outcome “${outcome}”`);
    this.state.previous = { previousOutcome: outcome, ...(splitArm ? { splitArm } : {}) };
    this.state.seq += 1;
    this.enter(nextId);
  }

  private finishAtGoal(): void {
    const goal = this.run.plan.settings.goal;
    if (!goal) throw new MachineMisuseError('The goal was reached in a plan without a goal');
    this.finish(goal.outcome);
  }

  private finish(outcome: string): void {
    this.state.phase = { kind: 'finishing', outcome };
    this.commands.push({ kind: 'finish', outcome, at: iso(this.nowMs), lastSeq: this.state.seq });
  }

  private fail(reason: string): void {
    this.state.phase = { kind: 'failed', reason };
    this.commands.push({ kind: 'fail', reason });
  }

  private eventsArrived(events: readonly CustomerEventPayload[]): void {
    const goal = this.run.plan.settings.goal;
    const fresh: CustomerEventPayload[] = [];
    for (const event of events) {
      if (this.state.seenEventIds.includes(event.eventId) || fresh.some((e) => e.eventId === event.eventId))
        continue;
      fresh.push(event);
      if (
        goal &&
        !this.state.goalReached &&
        event.name === goal.event &&
        matchesFilters(event.properties, goal.filters) &&
        (!this.state.countsByOccurrence || occurredSince(event, this.state.enteredAtMs))
      ) {
        this.state.goalReached = true;
      }
    }
    if (fresh.length === 0) return;
    this.state.seenEventIds = [...this.state.seenEventIds, ...fresh.map((e) => e.eventId)];
    const { phase } = this.state;
    switch (phase.kind) {
      case 'waiting': {
        const step = this.currentWait();
        const candidates = this.state.countsByOccurrence
          ? fresh.filter((e) => occurredSince(e, phase.beganMs))
          : fresh;
        const matched = matchWait(candidates, step.events, this.run.entryEvent);
        if (matched || this.state.goalReached) this.leave(matched ? matched.outcome : step.timeoutOutcome);
        return;
      }
      case 'sleeping':
        if (this.state.goalReached) this.leave('next');
        return;
      case 'deferred':
        if (this.state.goalReached) this.finishAtGoal();
        return;
      case 'recording': {
        // The wait's step is being recorded: an event that occurred since the run entered it is the customer's
        // answer, however late the record is acknowledged.
        const step = this.currentStep();
        if (!this.state.waitBeginsAtStepEntry || step.op !== 'wait' || this.state.earlyWaitOutcome !== null)
          return;
        const enteredMs = this.state.stepEnteredAtMs;
        const matched = matchWait(
          fresh.filter((e) => occurredSince(e, enteredMs)),
          step.events,
          this.run.entryEvent,
        );
        if (matched) this.state.earlyWaitOutcome = matched.outcome;
        return;
      }
      default:
        // Busy with a node or a local time: the goal is looked at when that answers.
        return;
    }
  }
}

/** What a run is waiting for, as the run-state query shows it. */
export function waitingFor(
  run: MachineRun,
  state: JourneyMachineState,
): { kind: 'sleep' | 'event'; until: string; events?: string[] } | null {
  const { phase } = state;
  if (phase.kind === 'sleeping' || phase.kind === 'deferred') return { kind: 'sleep', until: phase.until };
  if (phase.kind === 'waiting') {
    const step = run.plan.steps[state.stepId];
    return {
      kind: 'event',
      until: phase.until,
      events: step?.op === 'wait' ? step.events.map((e) => e.event) : [],
    };
  }
  return null;
}

/** The step the run is at, or null once it finished. */
export function currentStepId(state: JourneyMachineState): string | null {
  return state.phase.kind === 'finishing' || state.phase.kind === 'finished' ? null : state.stepId;
}
