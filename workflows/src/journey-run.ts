/**
 * `journeyRun`: one customer's run of a compiled plan, on Temporal. The plan's semantics live in the journey machine
 * (`@wakeflow/journey/machine`); this file only drives it — carries out its commands as activities and timers, feeds
 * it their results and the customer's events, and answers the run-state query. Deterministic by construction: the
 * clock is the workflow clock, randomness is a hash of stable ids, every read or write of the outside world is an
 * activity.
 *
 * The driver issues the same Temporal commands, in the same order, as the interpreter did before the machine
 * existed, and asks `patched()` at the same points, so every recorded history replays. Changes to this file or to
 * the machine must keep them replaying: put new behaviour behind `patched()` and record a history (see README,
 * "Changing the interpreter").
 *
 * Runtime imports come only from the zod-free machine subpath: the SDK evaluates them again for every cached run.
 */
import {
  ApplicationFailure,
  CancellationScope,
  TemporalFailure,
  condition,
  defineQuery,
  defineSignal,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  CustomerEventPayload,
  JourneyActivities,
  JourneyRunInput,
  JourneyRunResult,
  PendingRunRecords,
  RunContext,
  RunRegistration,
  RunState,
} from '@wakeflow/journey';
import {
  CUSTOMER_EVENT_SIGNAL,
  JOURNEY_CONTROL_SIGNAL,
  RUN_STATE_QUERY,
  advance,
  awaitsTimer,
  currentStepId,
  hasSeenEvent,
  startJourney,
  waitingFor,
  type JourneyControl,
  type JourneyMachineState,
  type MachineCommand,
  type MachineFeature,
  type MachineFeatures,
  type MachineInput,
  type StepRecord,
} from '@wakeflow/journey/machine';

export const customerEventSignal = defineSignal<[CustomerEventPayload]>(CUSTOMER_EVENT_SIGNAL);
export const runStateQuery = defineQuery<RunState>(RUN_STATE_QUERY);
export const journeyControlSignal = defineSignal<[JourneyControl]>(JOURNEY_CONTROL_SIGNAL);

const bookkeepingOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} as const;
const bookkeeping = proxyActivities<JourneyActivities>(bookkeepingOptions);
/** Short database writes and reads: run in the workflow's own task, one marker event each instead of five. */
const localBookkeeping = proxyLocalActivities<JourneyActivities>(bookkeepingOptions);

/**
 * Runs from this patch on buffer their bookkeeping (registration, step records) and hand it to their next activity
 * (a node's, or the finish) instead of an activity per record; older histories keep their activity per record.
 * It is asked first, and a run that has it has every behaviour patched in before it without asking for each: every
 * `patched()` costs two history events (a marker and the TemporalChangeVersion search attribute).
 */
const FOLDED_BOOKKEEPING = 'folded-bookkeeping';
/**
 * A timer at least this long writes the buffered records first, so a run asleep or waiting for days shows the step
 * it is at; a shorter one leaves them to the next activity, a minute later at most.
 */
const FLUSH_BEFORE_TIMER_MS = 60_000;

/** Later behaviour is what `patched()` says: on for new runs, off for runs whose history predates it. */
const temporalFeatures: MachineFeatures = { has: (feature) => patched(feature) };
/**
 * The machine's behaviours that existed when folded bookkeeping came: a run that has it has them all without asking.
 * A behaviour added later is not in this list and is asked of `patched()` like any other, so folded runs recorded
 * before it existed keep replaying.
 */
const BEFORE_FOLDED_BOOKKEEPING: ReadonlySet<MachineFeature> = new Set<MachineFeature>([
  'events-count-from-when-waiting-began',
  'forced-arms',
  'wait-begins-at-step-entry',
  'journey-control',
]);
const foldedFeatures: MachineFeatures = {
  has: (feature) => BEFORE_FOLDED_BOOKKEEPING.has(feature) || patched(feature),
};

function nowIso(): string {
  return new Date().toISOString();
}

/** The innermost message of a failure: an activity's failure says "Activity task failed", its cause says why. */
function failureReason(error: TemporalFailure): string {
  let failure: Error = error;
  while (failure.cause instanceof Error) failure = failure.cause;
  return failure.message || error.message;
}

export async function journeyRun(input: JourneyRunInput): Promise<JourneyRunResult> {
  const { plan } = input;
  const folded = patched(FOLDED_BOOKKEEPING);
  const features = folded ? foldedFeatures : temporalFeatures;
  /** Driver behaviour patched in before folded bookkeeping: asked only of runs that predate it. */
  const has = (patch: 'journey-control' | 'run-end-recorded'): boolean => folded || patched(patch);
  // Older runs ask patched('events-count-from-when-waiting-began') first thing, as the interpreter always did.
  const started = startJourney(input, Date.now(), features);
  let machine: JourneyMachineState = started.state;
  const commands: MachineCommand[] = [...started.commands];
  const path: string[] = [];
  const receivedEvents: RunState['receivedEvents'] = [];
  // Signals are held until the run next looks at them — at the end of a timer's wait, or before any other input —
  // so events that arrive together are weighed together, as the interpreter's condition did (the goal wins).
  let arrived: CustomerEventPayload[] = [];
  // Operator controls (stop, remove, resume), held like events and taken after them: the customer's goal wins.
  let controls: JourneyControl[] = [];

  const apply = (next: MachineInput): void => {
    const transition = advance(input, machine, next, Date.now(), features);
    machine = transition.state;
    commands.push(...transition.commands);
  };
  const takeArrivedEvents = (): void => {
    if (!arrived.length) return;
    const events = arrived;
    arrived = [];
    apply({ kind: 'events', events });
  };
  /** Asks `patched('journey-control')` only once a control arrived, so runs that never get one replay as before. */
  const takeControls = (): void => {
    if (!controls.length) return;
    const taken = controls;
    controls = [];
    if (!has('journey-control')) return;
    for (const control of taken) apply({ kind: 'control', control });
  };
  /** Events that arrived meanwhile come first: they were handled before whatever resumed the run. */
  const feed = (next: MachineInput): void => {
    takeArrivedEvents();
    takeControls();
    apply(next);
  };
  /** Whether the held events end the wait for this timer; those that do not are taken at once. */
  const eventsEndWait = (timerId: number): boolean => {
    if (!arrived.length) return false;
    const look = advance(input, machine, { kind: 'events', events: arrived }, Date.now(), features);
    if (!awaitsTimer(look.state, timerId)) return true;
    // Events that leave the wait as it is change only which events were seen: take them now, so a long wait full of
    // other events does not weigh them all again at every signal.
    machine = look.state;
    commands.push(...look.commands);
    arrived = [];
    return false;
  };

  setHandler(customerEventSignal, (event) => {
    // The same event may be signalled twice (ingest retries); count it once.
    if (hasSeenEvent(machine, event.eventId) || arrived.some((e) => e.eventId === event.eventId)) return;
    arrived.push(event);
    receivedEvents.push({ eventId: event.eventId, name: event.name, at: nowIso() });
  });
  setHandler(journeyControlSignal, (control) => {
    controls.push(control);
  });
  setHandler(runStateQuery, () => ({
    currentStepId: currentStepId(machine),
    waitingFor: waitingFor(input, machine),
    path,
    receivedEvents,
  }));

  // Folded bookkeeping: what the run has not yet had written. Taken by an activity and dropped once it succeeded, so a
  // failed one leaves it to the next write (the run's end at the latest); writes are idempotent.
  let unwrittenRegistration: Omit<RunRegistration, 'runId' | 'workspaceId'> | undefined;
  let unwrittenSteps: StepRecord[] = [];
  const unwritten = (): PendingRunRecords | undefined =>
    unwrittenRegistration || unwrittenSteps.length
      ? {
          ...(unwrittenRegistration ? { registration: unwrittenRegistration } : {}),
          steps: [...unwrittenSteps],
        }
      : undefined;
  const written = (records: PendingRunRecords | undefined): void => {
    if (!records) return;
    if (records.registration) unwrittenRegistration = undefined;
    unwrittenSteps = unwrittenSteps.slice(records.steps.length);
  };

  const context: RunContext = {
    enteredAt: new Date(machine.enteredAtMs).toISOString(),
    ...(input.entryEvent ? { entry: input.entryEvent } : {}),
    steps: {},
  };

  const registration = (command: { at: string }): Omit<RunRegistration, 'runId' | 'workspaceId'> => ({
    workflowId: workflowInfo().workflowId,
    journeyId: input.journeyId,
    version: input.version,
    customerId: input.customerId,
    entry: input.entry,
    holdout: input.holdout,
    startedAt: command.at,
  });
  /**
   * Folded bookkeeping's records are kept for the next write and acknowledged at once, outside `carryOut`: no promise
   * is made for them (the SDK captures a stack trace for every promise a workflow creates).
   */
  const bufferRecord = (command: MachineCommand): boolean => {
    if (!folded) return false;
    if (command.kind === 'register') unwrittenRegistration = registration(command);
    else if (command.kind === 'record_step') {
      path.push(command.step.nodeId);
      unwrittenSteps.push(command.step);
    } else return false;
    feed({ kind: 'recorded' });
    return true;
  };

  const carryOut = async (command: MachineCommand): Promise<JourneyRunResult | undefined> => {
    switch (command.kind) {
      case 'register':
        await bookkeeping.registerRun({
          runId: input.runId,
          workspaceId: input.workspaceId,
          ...registration(command),
        });
        feed({ kind: 'recorded' });
        return undefined;
      case 'record_step':
        path.push(command.step.nodeId);
        await bookkeeping.recordStep({ runId: input.runId, workspaceId: input.workspaceId, ...command.step });
        feed({ kind: 'recorded' });
        return undefined;
      case 'resolve_local_time': {
        const until = await (folded ? localBookkeeping : bookkeeping).nextLocalTime({
          workspaceId: input.workspaceId,
          customerId: input.customerId,
          after: command.after,
          time: command.time,
          weekdays: command.weekdays,
        });
        feed({ kind: 'local_time', until });
        return undefined;
      }
      case 'run_node': {
        const step = plan.steps[command.stepId];
        if (step?.op !== 'activity')
          throw new Error(`The machine ran step ${command.stepId}, which is no activity`);
        const node = proxyActivities<JourneyActivities>({
          startToCloseTimeout: step.startToCloseMs,
          retry: {
            maximumAttempts: step.retry.maximumAttempts,
            initialInterval: step.retry.initialIntervalMs,
            backoffCoefficient: step.retry.backoffCoefficient,
            maximumInterval: step.retry.maximumIntervalMs,
          },
        });
        const records = folded ? unwritten() : undefined;
        const result = await node.executeNode({
          runId: input.runId,
          workflowId: workflowInfo().workflowId,
          workspaceId: input.workspaceId,
          journeyId: input.journeyId,
          version: input.version,
          customerId: input.customerId,
          nodeId: step.id,
          nodeType: step.nodeType,
          nodeVersion: step.nodeVersion,
          config: step.config,
          holdout: command.holdout,
          priority: plan.settings.priority,
          context,
          at: command.at,
          ...(records ? { records } : {}),
        });
        written(records);
        if (result.retryAt === undefined && result.output) context.steps[step.id] = result.output;
        feed({ kind: 'node_result', result });
        return undefined;
      }
      case 'start_timer': {
        const { timerId } = command;
        const deadline = Date.now() + command.ms;
        const records =
          folded && command.ms >= FLUSH_BEFORE_TIMER_MS && awaitsTimer(machine, timerId)
            ? unwritten()
            : undefined;
        if (records) {
          await localBookkeeping.recordRun({ runId: input.runId, workspaceId: input.workspaceId, records });
          written(records);
        }
        // The timer counts from when the machine started it, however long the write took.
        let remaining = Math.max(deadline - Date.now(), 1);
        for (;;) {
          // A durable timer that events or a control can cut short; one the machine already left behind is started
          // and dropped at once, as the interpreter's condition did.
          const cut = await condition(
            () => !awaitsTimer(machine, timerId) || eventsEndWait(timerId) || controls.length > 0,
            remaining,
          );
          takeArrivedEvents();
          takeControls();
          if (!awaitsTimer(machine, timerId)) return undefined;
          remaining = deadline - Date.now();
          // Timed out, or a control that left the timer as it was (a resume while asleep): wait out the rest.
          if (!cut || remaining <= 0) {
            apply({ kind: 'timer_fired', timerId });
            return undefined;
          }
        }
      }
      case 'finish': {
        const finish = { outcome: command.outcome, at: command.at, lastSeq: command.lastSeq };
        const run = { runId: input.runId, workspaceId: input.workspaceId };
        if (folded) {
          const records = unwritten() ?? { steps: [] };
          await localBookkeeping.recordRun({ ...run, records, finish });
          written(records);
        } else await bookkeeping.finishRun({ ...run, ...finish });
        return { outcome: command.outcome, path };
      }
      case 'fail':
        throw ApplicationFailure.nonRetryable(command.reason, 'PlanCorrupt');
    }
  };

  try {
    for (;;) {
      const command = commands.shift();
      // Every input leaves the machine with a command to carry out until it finishes or fails.
      if (!command) throw new Error(`The journey machine stopped while ${machine.phase.kind}`);
      if (bufferRecord(command)) continue;
      const result = await carryOut(command);
      if (result) return result;
    }
  } catch (error) {
    // A failure or cancellation that closes the workflow is recorded before it does, so the run leaves live counts
    // and routing; non-cancellable, because a cancelled run must still write that. Errors that are not Temporal
    // failures fail only the workflow task (retried until fixed code is deployed), so the run stays running.
    // Histories from before this change closed without the record: they take the old path.
    if (!(error instanceof TemporalFailure) || !has('run-end-recorded')) throw error;
    const status = isCancellation(error) ? 'cancelled' : 'failed';
    const reason = failureReason(error);
    const records = unwritten();
    await CancellationScope.nonCancellable(() =>
      bookkeeping.endRun({
        runId: input.runId,
        workspaceId: input.workspaceId,
        status,
        reason,
        at: nowIso(),
        ...(records ? { records } : {}),
      }),
    );
    throw error;
  }
}
