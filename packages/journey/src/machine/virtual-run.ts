/**
 * A journey run on a virtual clock: the journey machine driven to its end in one call, with events at scripted times
 * and nodes answered by a function. Bookkeeping and nodes take no time; timers jump the clock. Events due at the
 * same instant arrive together, and before a timer due then (as signals are handled before timers in a Temporal
 * activation). The differential test holds it against `journeyRun` on Temporal; previews and backtests drive it too.
 *
 * One loop (a generator that hands out node calls) behind two drivers: `runOnVirtualClock` answers nodes with a plain
 * function, `runOnVirtualClockAsync` with an async one (a preview runs the kinds' real activities on dry-run ports).
 */
import type { CustomerEventPayload, NodeActivityResult, RunContext } from '../run';
import {
  advance,
  awaitsTimer,
  startJourney,
  type JourneyMachineState,
  type MachineCommand,
  type MachineFeatures,
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
type NodeAnswer = { result: NodeActivityResult } | { error: string };

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

/** Upper bound on transitions, so a plan that loops through deferrals forever ends as `stuck`, not a hang. */
const MAX_TRANSITIONS = 10_000;

export function runOnVirtualClock(
  run: MachineRun,
  options: VirtualRunOptions<VirtualRunHooks>,
): VirtualRunResult {
  const loop = virtualRun(run, options);
  let step = loop.next();
  while (!step.done) {
    let answer: NodeAnswer;
    try {
      answer = { result: options.hooks.runNode(step.value) };
    } catch (error) {
      answer = { error: error instanceof Error ? error.message : String(error) };
    }
    step = loop.next(answer);
  }
  return step.value;
}

export async function runOnVirtualClockAsync(
  run: MachineRun,
  options: VirtualRunOptions<AsyncVirtualRunHooks>,
): Promise<VirtualRunResult> {
  const loop = virtualRun(run, options);
  let step = loop.next();
  while (!step.done) {
    let answer: NodeAnswer;
    try {
      answer = { result: await options.hooks.runNode(step.value) };
    } catch (error) {
      answer = { error: error instanceof Error ? error.message : String(error) };
    }
    step = loop.next(answer);
  }
  return step.value;
}

/** The loop: yields each node call, takes its answer, returns the run's end. */
function* virtualRun(
  run: MachineRun,
  options: VirtualRunOptions<Pick<VirtualRunHooks, 'nextLocalTime'>>,
): Generator<VirtualNodeCall, VirtualRunResult, NodeAnswer> {
  const features = options.features ?? ALL_FEATURES;
  const events = [...(options.events ?? [])].sort((a, b) => a.atMs - b.atMs);
  let nextEvent = 0;
  let now = options.startMs;
  const context: RunContext = {
    enteredAt: new Date(now).toISOString(),
    ...(run.entryEvent ? { entry: run.entryEvent } : {}),
    steps: {},
  };
  const path: string[] = [];
  const steps: StepRecord[] = [];
  const nodeCalls: VirtualNodeCall[] = [];
  const attempts = new Map<string, number>();
  let timer: { id: number; dueMs: number } | undefined;
  let finish: VirtualRunResult['finish'];

  const first = startJourney(run, now, features);
  let state = first.state;
  const queue: MachineCommand[] = [...first.commands];
  const feed = (input: MachineInput) => {
    const next = advance(run, state, input, now, features);
    state = next.state;
    queue.push(...next.commands);
  };
  const result = (status: VirtualRunResult['status'], extra: Partial<VirtualRunResult> = {}) => ({
    status,
    path,
    steps,
    nodeCalls,
    ...(finish ? { finish } : {}),
    state,
    ...extra,
  });

  for (let transitions = 0; transitions < MAX_TRANSITIONS; transitions++) {
    const command = queue.shift();
    if (command) {
      switch (command.kind) {
        case 'register':
          feed({ kind: 'recorded' });
          break;
        case 'record_step':
          path.push(command.step.nodeId);
          steps.push(command.step);
          feed({ kind: 'recorded' });
          break;
        case 'resolve_local_time':
          feed({ kind: 'local_time', until: options.hooks.nextLocalTime(command) });
          break;
        case 'run_node': {
          const attempt = (attempts.get(command.stepId) ?? 0) + 1;
          attempts.set(command.stepId, attempt);
          const call: VirtualNodeCall = {
            stepId: command.stepId,
            at: command.at,
            holdout: command.holdout,
            attempt,
            context: structuredClone(context),
          };
          nodeCalls.push(call);
          const answered: NodeAnswer = yield call;
          if ('error' in answered) return result('failed', { reason: answered.error });
          const answer = answered.result;
          if (answer.retryAt === undefined && answer.output) context.steps[command.stepId] = answer.output;
          feed({ kind: 'node_result', result: answer });
          break;
        }
        case 'start_timer':
          timer = { id: command.timerId, dueMs: now + command.ms };
          break;
        case 'finish':
          finish = { outcome: command.outcome, at: command.at, lastSeq: command.lastSeq };
          feed({ kind: 'recorded' });
          return result('completed', { outcome: command.outcome });
        case 'fail':
          return result('failed', { reason: command.reason });
      }
      continue;
    }
    // Nothing to do now: move the clock to the next event or the timer, whichever is first (events on a tie).
    const pending = timer && awaitsTimer(state, timer.id) ? timer : undefined;
    const eventAt = events[nextEvent]?.atMs;
    const nextAt = Math.min(eventAt ?? Infinity, pending?.dueMs ?? Infinity);
    if (options.untilMs !== undefined && nextAt > options.untilMs && nextAt !== Infinity)
      return result('open');
    if (eventAt !== undefined && (pending === undefined || eventAt <= pending.dueMs)) {
      now = Math.max(now, eventAt);
      const batch: CustomerEventPayload[] = [];
      while (events[nextEvent]?.atMs === eventAt) batch.push(events[nextEvent++]!.event);
      feed({ kind: 'events', events: batch });
      continue;
    }
    if (pending === undefined) return result('stuck');
    now = Math.max(now, pending.dueMs);
    timer = undefined;
    feed({ kind: 'timer_fired', timerId: pending.id });
  }
  return result('stuck');
}
