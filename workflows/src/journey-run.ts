/**
 * `journeyRun`: interprets a compiled plan for one customer. Deterministic by construction — the clock is the
 * workflow clock, randomness is a hash of stable ids, and every read or write of the outside world is an activity.
 * Changes to this file must keep old histories replaying: put new behaviour behind `patched()` and record a history
 * (see README, "Changing the interpreter").
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
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  CustomerEventPayload,
  JourneyActivities,
  JourneyRunInput,
  JourneyRunResult,
  PlanStep,
  RunContext,
  RunState,
  RunStepRecord,
  WaitEvent,
} from '@wakeflow/journey';
import { CUSTOMER_EVENT_SIGNAL, RUN_STATE_QUERY, matchesFilters, stableBucket } from '@wakeflow/journey';

export const customerEventSignal = defineSignal<[CustomerEventPayload]>(CUSTOMER_EVENT_SIGNAL);
export const runStateQuery = defineQuery<RunState>(RUN_STATE_QUERY);

const bookkeeping = proxyActivities<JourneyActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

function nowIso(): string {
  return new Date().toISOString();
}

/** An event whose `occurredAt` does not parse never counts: it cannot be shown to be recent. */
function occurredSince(event: CustomerEventPayload, sinceMs: number): boolean {
  return Date.parse(event.occurredAt) >= sinceMs;
}

function matchWait(
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

/** The innermost message of a failure: an activity's failure says "Activity task failed", its cause says why. */
function failureReason(error: TemporalFailure): string {
  let failure: Error = error;
  while (failure.cause instanceof Error) failure = failure.cause;
  return failure.message || error.message;
}

function pickArm(step: Extract<PlanStep, { op: 'split' }>, key: string): { name: string; holdout: boolean } {
  const bucket = stableBucket(key);
  let upper = 0;
  for (const arm of step.arms) {
    upper += arm.percent;
    if (bucket < upper) return arm;
  }
  return step.arms[step.arms.length - 1]!;
}

export async function journeyRun(input: JourneyRunInput): Promise<JourneyRunResult> {
  // Events count for a wait only if they occurred on or after the wait began, and for the goal only if on or after
  // the run entered. Decided once per run, so a run started before this change keeps counting by arrival alone for
  // its whole life and its history replays.
  const countsByOccurrence = patched('events-count-from-when-waiting-began');
  const { plan } = input;
  const goal = plan.settings.goal;
  const received: CustomerEventPayload[] = [];
  const seenEventIds = new Set<string>();
  let goalEvent: CustomerEventPayload | undefined;
  let holdout = input.holdout;

  const state: RunState = { currentStepId: null, waitingFor: null, path: [], receivedEvents: [] };
  const enteredAtMs = Date.now();

  setHandler(customerEventSignal, (event) => {
    // The same event may be signalled twice (ingest retries); count it once.
    if (seenEventIds.has(event.eventId)) return;
    seenEventIds.add(event.eventId);
    received.push(event);
    state.receivedEvents.push({ eventId: event.eventId, name: event.name, at: nowIso() });
    if (
      goal &&
      goalEvent === undefined &&
      event.name === goal.event &&
      matchesFilters(event.properties, goal.filters) &&
      (!countsByOccurrence || occurredSince(event, enteredAtMs))
    ) {
      goalEvent = event;
    }
  });
  setHandler(runStateQuery, () => state);

  const context: RunContext = {
    enteredAt: new Date(enteredAtMs).toISOString(),
    ...(input.entryEvent ? { entry: input.entryEvent } : {}),
    steps: {},
  };
  const goalReached = (): boolean => goalEvent !== undefined;

  await bookkeeping.registerRun({
    runId: input.runId,
    workspaceId: input.workspaceId,
    workflowId: workflowInfo().workflowId,
    journeyId: input.journeyId,
    version: input.version,
    customerId: input.customerId,
    entry: input.entry,
    holdout: input.holdout,
    startedAt: context.enteredAt,
  });

  let stepId = plan.entryStepId;
  let seq = 0;
  let previous: Pick<RunStepRecord, 'previousOutcome' | 'splitArm'> = {};

  const finish = async (outcome: string): Promise<JourneyRunResult> => {
    state.currentStepId = null;
    state.waitingFor = null;
    await bookkeeping.finishRun({
      runId: input.runId,
      workspaceId: input.workspaceId,
      outcome,
      at: nowIso(),
      lastSeq: seq,
    });
    return { outcome, path: state.path };
  };

  try {
    for (;;) {
      const step = plan.steps[stepId];
      if (!step) throw ApplicationFailure.nonRetryable(`Plan has no step ${stepId}`, 'PlanCorrupt');
      state.currentStepId = stepId;
      state.path.push(stepId);
      await bookkeeping.recordStep({
        runId: input.runId,
        workspaceId: input.workspaceId,
        nodeId: stepId,
        seq,
        at: nowIso(),
        ...previous,
      });
      if (goalReached()) return finish(goal!.outcome);

      let outcome: string;
      let splitArm: RunStepRecord['splitArm'];
      switch (step.op) {
        case 'entry':
          outcome = 'next';
          break;
        case 'sleep': {
          state.waitingFor = { kind: 'sleep', until: new Date(Date.now() + step.ms).toISOString() };
          await condition(goalReached, step.ms);
          outcome = 'next';
          break;
        }
        case 'sleep_until_local': {
          const until = await bookkeeping.nextLocalTime({
            workspaceId: input.workspaceId,
            customerId: input.customerId,
            after: nowIso(),
            time: step.time,
            weekdays: step.weekdays,
          });
          state.waitingFor = { kind: 'sleep', until };
          const ms = Date.parse(until) - Date.now();
          if (ms > 0) await condition(goalReached, ms);
          outcome = 'next';
          break;
        }
        case 'wait': {
          // Only events that arrive after the wait began count for it, and (new runs) only those that also occurred
          // on or after it began: an old event delivered late is not the customer coming back now.
          const from = received.length;
          const began = Date.now();
          state.waitingFor = {
            kind: 'event',
            until: new Date(began + step.timeoutMs).toISOString(),
            events: step.events.map((e) => e.event),
          };
          let matched: WaitEvent | undefined;
          await condition(() => {
            const arrived = received.slice(from);
            const candidates = countsByOccurrence ? arrived.filter((e) => occurredSince(e, began)) : arrived;
            matched = matchWait(candidates, step.events, input.entryEvent);
            return matched !== undefined || goalReached();
          }, step.timeoutMs);
          outcome = matched ? matched.outcome : step.timeoutOutcome;
          break;
        }
        case 'split': {
          let arm = pickArm(step, `split:${input.journeyId}:${step.id}:${input.customerId}`);
          // An experiment's winner (input, never read here from the clock or database) replaces the drawn messaging
          // arm; holdout arms keep their share so lift can still be measured. Runs without forced arms never reach the
          // patch marker, so their histories are unchanged.
          const forced = input.forcedArms?.[step.id];
          if (forced !== undefined && !arm.holdout && patched('forced-arms')) {
            arm = step.arms.find((a) => a.name === forced && !a.holdout) ?? arm;
          }
          if (arm.holdout) holdout = true;
          splitArm = { stepId: step.id, arm: arm.name, holdout: arm.holdout };
          outcome = arm.name;
          break;
        }
        case 'activity': {
          const node = proxyActivities<JourneyActivities>({
            startToCloseTimeout: step.startToCloseMs,
            retry: {
              maximumAttempts: step.retry.maximumAttempts,
              initialInterval: step.retry.initialIntervalMs,
              backoffCoefficient: step.retry.backoffCoefficient,
              maximumInterval: step.retry.maximumIntervalMs,
            },
          });
          const execute = () =>
            node.executeNode({
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
              holdout,
              priority: plan.settings.priority,
              context,
              at: nowIso(),
            });
          let result = await execute();
          // A deferral ("not before 08:00 local") is a durable timer here, not an activity retry.
          while (result.retryAt !== undefined && !goalReached()) {
            const ms = Date.parse(result.retryAt) - Date.now();
            state.waitingFor = { kind: 'sleep', until: result.retryAt };
            // At least a second, so a clock disagreement can never spin the activity in a tight loop.
            await condition(goalReached, Math.max(ms, 1_000));
            state.waitingFor = null;
            if (goalReached()) break;
            result = await execute();
          }
          if (goalReached()) return finish(goal!.outcome);
          if (result.output) context.steps[step.id] = result.output;
          outcome = result.outcome;
          break;
        }
        case 'exit':
          return finish(step.outcome);
      }
      state.waitingFor = null;
      if (goalReached()) return finish(goal!.outcome);
      const nextId = step.next[outcome];
      if (nextId === undefined) {
        throw ApplicationFailure.nonRetryable(
          `Step ${step.id} has no path for outcome “${outcome}”`,
          'PlanCorrupt',
        );
      }
      previous = { previousOutcome: outcome, ...(splitArm ? { splitArm } : {}) };
      stepId = nextId;
      seq += 1;
    }
  } catch (error) {
    // A failure or cancellation that closes the workflow is recorded before it does, so the run leaves live counts
    // and routing; non-cancellable, because a cancelled run must still write that. Errors that are not Temporal
    // failures fail only the workflow task (retried until fixed code is deployed), so the run stays running.
    // Histories from before this change closed without the record: they take the old path.
    if (!(error instanceof TemporalFailure) || !patched('run-end-recorded')) throw error;
    const status = isCancellation(error) ? 'cancelled' : 'failed';
    const reason = failureReason(error);
    await CancellationScope.nonCancellable(() =>
      bookkeeping.endRun({
        runId: input.runId,
        workspaceId: input.workspaceId,
        status,
        reason,
        at: nowIso(),
      }),
    );
    throw error;
  }
}
