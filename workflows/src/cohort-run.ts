/**
 * `cohortRun`: many customers of one journey version carried through the plan by one workflow (bulk entries: an
 * audience sweep page, a bulk API entry). The plan's semantics are the journey machine's, as in `journeyRun`: this
 * file keeps one machine state per member and carries out their commands together — every command due at once
 * becomes one activity per kind (one bookkeeping transaction, one node batch per step, one local-time batch), and
 * members' timers share one workflow timer (the earliest due; members due by then fire together).
 *
 * Per member it feeds the machine exactly what `journeyRun` feeds one run: events and controls held while its work
 * is in flight and taken before that work's answer, events taken at once while it sleeps or waits, a timer's firing
 * after the events that arrived by then. So each member's path, messages and outcome are those of a per-customer run
 * (the differential test in apps/worker/test/cohort-differential.test.ts holds the two against each other).
 *
 * Before the history grows past Temporal's limits it continues as new, carrying each open member's small state
 * (ids, machine state, timer, node outputs); it does so only when no member's work is in flight.
 *
 * Runtime imports come only from the zod-free machine subpath, as in `journeyRun`.
 */
import {
  CancellationScope,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  CarriedCohortMember,
  CohortActivities,
  CohortControlSignal,
  CohortEventSignal,
  CohortMember,
  CohortMemberRecords,
  CohortNodeAnswer,
  CohortNodeBatch,
  CohortRecords,
  CohortRunInput,
  CohortRunResult,
  CustomerEventPayload,
  RunContext,
  RunState,
} from '@wakeflow/journey';
import {
  COHORT_CONTROL_SIGNAL,
  COHORT_EVENT_SIGNAL,
  COHORT_RUN_STATE_QUERY,
  advance,
  awaitsTimer,
  currentStepId,
  hasSeenEvent,
  startJourney,
  waitingFor,
  type JourneyControl,
  type JourneyMachineState,
  type MachineCommand,
  type MachineFeatures,
  type MachineInput,
  type MachineRun,
} from '@wakeflow/journey/machine';

export const cohortEventSignal = defineSignal<[CohortEventSignal]>(COHORT_EVENT_SIGNAL);
export const cohortControlSignal = defineSignal<[CohortControlSignal]>(COHORT_CONTROL_SIGNAL);
/** One member's state, as `journeyRun`'s run-state query answers it (null for a run this cohort does not hold). */
export const cohortRunStateQuery = defineQuery<RunState | null, [string]>(COHORT_RUN_STATE_QUERY);

const bookkeeping = proxyActivities<CohortActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** History events before continuing as new, unless Temporal suggests it sooner (its warning is at 10,240). */
const DEFAULT_HISTORY_EVENT_LIMIT = 8_000;
/** Members in one activity: bounds each payload (a node batch carries each member's context). */
const MAX_BATCH = 1_000;
/** Members whose node a batch activity runs at once: sizes the batch's start-to-close timeout. */
const NODE_CONCURRENCY = 16;

const temporalFeatures: MachineFeatures = { has: (feature) => patched(feature) };

/**
 * Cohorts from this patch on keep each member's registration and step records and hand them to the member's next node
 * batch (written before its node runs), to a write before its timer, or to its finish — as `journeyRun` does since
 * `folded-bookkeeping` — instead of a bookkeeping transaction per command. Older histories keep theirs. Unlike a
 * run, a cohort writes before every timer, short ones too: that write is one transaction for all the members whose
 * timers start together, and it keeps every sleeping member's step shown where it is.
 */
const FOLDED_BOOKKEEPING = 'cohort-folded-bookkeeping';

interface Member extends CohortMember {
  run: MachineRun;
  machine: JourneyMachineState;
  /** Commands not yet carried out, in order. */
  commands: MachineCommand[];
  /** Work in flight: the member's next input is that work's answer. */
  busy: boolean;
  timer?: { id: number; dueMs: number };
  outputs: RunContext['steps'];
  arrived: CustomerEventPayload[];
  controls: JourneyControl[];
  /** The run ended (finished, failed or cancelled) and its end is recorded. */
  done: boolean;
  /** Folded bookkeeping: records not yet written (see `FOLDED_BOOKKEEPING`). */
  unwritten?: CohortMemberRecords;
  /** Why the run fails; set once its end is being recorded. */
  failure?: string;
  path: string[];
  receivedEvents: RunState['receivedEvents'];
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function cohortRun(input: CohortRunInput): Promise<CohortRunResult> {
  const { plan, workspaceId, journeyId, version } = input;
  const cohortWorkflowId = workflowInfo().workflowId;
  const folded = patched(FOLDED_BOOKKEEPING);
  const outcomes: Record<string, number> = { ...input.finishedBefore };
  const members = new Map<string, Member>();
  const runOf = (m: CohortMember): MachineRun => ({
    journeyId,
    customerId: m.customerId,
    holdout: m.holdout,
    plan,
    ...(input.forcedArms ? { forcedArms: input.forcedArms } : {}),
  });
  const newMember = (m: CohortMember, machine: JourneyMachineState, commands: MachineCommand[]): Member => ({
    runId: m.runId,
    customerId: m.customerId,
    entry: m.entry,
    holdout: m.holdout,
    run: runOf(m),
    machine,
    commands,
    busy: false,
    outputs: {},
    arrived: [],
    controls: [],
    done: false,
    path: [],
    receivedEvents: [],
  });
  for (const carried of input.carried ?? []) {
    const member = newMember(carried, carried.machine, []);
    if (carried.timer) member.timer = carried.timer;
    if (carried.outputs) member.outputs = carried.outputs;
    members.set(carried.runId, member);
  }
  for (const entering of input.members) {
    const started = startJourney(runOf(entering), Date.now(), temporalFeatures);
    members.set(entering.runId, newMember(entering, started.state, [...started.commands]));
  }

  /** Set by a batch's answer or a signal: the loop has something to look at. */
  let woken = false;
  const touched = new Set<Member>();

  setHandler(cohortEventSignal, ({ runId, event }) => {
    const member = members.get(runId);
    if (!member || member.done) return;
    // The same event may be signalled twice (ingest retries); count it once.
    if (
      hasSeenEvent(member.machine, event.eventId) ||
      member.arrived.some((e) => e.eventId === event.eventId)
    )
      return;
    member.arrived.push(event);
    member.receivedEvents.push({ eventId: event.eventId, name: event.name, at: new Date().toISOString() });
    touched.add(member);
  });
  setHandler(cohortControlSignal, ({ control, runIds }) => {
    const targets = runIds ? runIds.map((id) => members.get(id)) : [...members.values()];
    for (const member of targets) {
      if (!member || member.done) continue;
      member.controls.push(control);
      touched.add(member);
    }
  });
  setHandler(cohortRunStateQuery, (runId) => {
    const member = members.get(runId);
    if (!member) return null;
    return {
      currentStepId: member.done ? null : currentStepId(member.machine),
      waitingFor: member.done ? null : waitingFor(member.run, member.machine),
      path: member.path,
      receivedEvents: member.receivedEvents,
    };
  });

  const apply = (member: Member, next: MachineInput): void => {
    const transition = advance(member.run, member.machine, next, Date.now(), temporalFeatures);
    member.machine = transition.state;
    member.commands.push(...transition.commands);
  };
  /** Events, then controls, as `journeyRun` takes them: the customer's goal wins over an operator's stop. */
  const takeHeld = (member: Member): void => {
    if (member.arrived.length) {
      const events = member.arrived;
      member.arrived = [];
      apply(member, { kind: 'events', events });
    }
    if (member.controls.length) {
      const controls = member.controls;
      member.controls = [];
      for (const control of controls) apply(member, { kind: 'control', control });
    }
  };
  /** A member's work answered: what arrived meanwhile first, then the answer. */
  const answer = (member: Member, next: MachineInput): void => {
    member.busy = false;
    takeHeld(member);
    apply(member, next);
  };

  let inFlight = 0;
  /** Runs a batch without waiting for it: its answer is fed when it comes, and wakes the loop. */
  const launch = (work: Promise<void>): void => {
    inFlight += 1;
    void work.finally(() => {
      inFlight -= 1;
      woken = true;
    });
  };

  type RecordRows = Omit<CohortRecords, 'workspaceId' | 'journeyId' | 'version' | 'cohortWorkflowId'>;
  const noRecords = (): RecordRows => ({ registered: [], steps: [], finished: [], ended: [] });
  const count = (outcome: string) => {
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  };
  /** Writes the records of `owners`; those in `flushed` only had their folded records written before a timer. */
  const recordBatch = (records: RecordRows, owners: Member[], flushed: ReadonlySet<Member>) => {
    launch(
      bookkeeping.recordCohort({ workspaceId, journeyId, version, cohortWorkflowId, ...records }).then(() => {
        for (const member of owners) {
          member.unwritten = undefined;
          if (flushed.has(member)) {
            member.busy = false;
            takeHeld(member);
            continue;
          }
          const { phase } = member.machine;
          if (member.failure === undefined && phase.kind !== 'finishing') {
            answer(member, { kind: 'recorded' });
            continue;
          }
          // The run's end is recorded: it is over.
          count(member.failure === undefined && phase.kind === 'finishing' ? phase.outcome : 'failed');
          member.busy = false;
          member.done = true;
          member.commands = [];
        }
      }),
    );
  };

  /** A member's folded records go with its next write. */
  const addUnwritten = (records: RecordRows, member: Member): void => {
    const { unwritten } = member;
    if (!unwritten) return;
    if (unwritten.registration)
      records.registered.push({
        runId: member.runId,
        customerId: member.customerId,
        entry: member.entry,
        ...unwritten.registration,
      });
    for (const step of unwritten.steps) records.steps.push({ runId: member.runId, ...step });
  };

  type NodeOwner = { member: Member; at: string; holdout: boolean; records?: CohortMemberRecords };
  const nodeBatch = (stepId: string, owners: NodeOwner[]) => {
    const step = plan.steps[stepId];
    if (step?.op !== 'activity') {
      // The machine only runs activity steps: a plan that says otherwise fails these runs, as it fails a run.
      for (const { member } of owners) fail(member, `The machine ran step ${stepId}, which is no activity`);
      return;
    }
    const rounds = Math.ceil(owners.length / NODE_CONCURRENCY);
    const node = proxyActivities<CohortActivities>({
      startToCloseTimeout: Math.min(step.startToCloseMs * rounds, 60 * 60_000),
      retry: {
        maximumAttempts: step.retry.maximumAttempts,
        initialInterval: step.retry.initialIntervalMs,
        backoffCoefficient: step.retry.backoffCoefficient,
        maximumInterval: step.retry.maximumIntervalMs,
      },
    });
    const batch: CohortNodeBatch = {
      workspaceId,
      journeyId,
      version,
      cohortWorkflowId,
      nodeId: step.id,
      nodeType: step.nodeType,
      nodeVersion: step.nodeVersion,
      config: step.config,
      priority: plan.settings.priority,
      maximumAttempts: step.retry.maximumAttempts,
      concurrency: NODE_CONCURRENCY,
      members: owners.map(({ member, at, holdout, records }) => ({
        runId: member.runId,
        customerId: member.customerId,
        entry: member.entry,
        holdout,
        at,
        context: {
          enteredAt: new Date(member.machine.enteredAtMs).toISOString(),
          steps: member.outputs,
        },
        ...(records ? { records } : {}),
      })),
    };
    launch(
      node.executeCohortNode(batch).then(
        (answers) => {
          // The batch wrote its members' records before their node ran.
          for (const { member } of owners) member.unwritten = undefined;
          owners.forEach(({ member }, i) => nodeAnswered(member, step.id, answers[i]));
        },
        (error: unknown) => {
          // The batch itself failed for good (its last attempt timed out): each member fails as its run would.
          const reason = error instanceof Error ? innermostMessage(error) : String(error);
          for (const { member } of owners) fail(member, reason);
        },
      ),
    );
  };

  const nodeAnswered = (member: Member, stepId: string, reply: CohortNodeAnswer | undefined): void => {
    if (!reply) return fail(member, `No answer for run ${member.runId} at step ${stepId}`);
    if ('error' in reply) return fail(member, reply.error);
    const { result } = reply;
    if (result.retryAt === undefined && result.output) member.outputs[stepId] = result.output;
    answer(member, { kind: 'node_result', result });
  };

  /** The member's run fails: its end is recorded with the next bookkeeping batch. */
  const fail = (member: Member, reason: string): void => {
    member.busy = false;
    member.failure = reason;
    member.commands = [];
  };

  const localTimes = (
    owners: { member: Member; request: Extract<MachineCommand, { kind: 'resolve_local_time' }> }[],
  ) => {
    launch(
      bookkeeping
        .cohortLocalTimes({
          workspaceId,
          requests: owners.map(({ member, request }) => ({
            customerId: member.customerId,
            after: request.after,
            time: request.time,
            weekdays: request.weekdays,
          })),
        })
        .then((untils) => {
          owners.forEach(({ member }, i) => answer(member, { kind: 'local_time', until: untils[i]! }));
        }),
    );
  };

  /** Carries out what every idle member has to do now; returns whether anything was launched. */
  const dispatch = (): boolean => {
    const records = noRecords();
    const recordOwners: Member[] = [];
    const flushed = new Set<Member>();
    const nodes = new Map<string, NodeOwner[]>();
    const resolving: { member: Member; request: Extract<MachineCommand, { kind: 'resolve_local_time' }> }[] =
      [];
    const at = new Date().toISOString();
    for (const member of members.values()) {
      if (member.busy || member.done) continue;
      if (member.failure !== undefined) {
        addUnwritten(records, member);
        records.ended.push({
          runId: member.runId,
          status: 'failed',
          reason: member.failure,
          at,
        });
        recordOwners.push(member);
        member.busy = true;
        continue;
      }
      for (let command = member.commands.shift(); command; command = member.commands.shift()) {
        if (command.kind === 'start_timer') {
          // A timer the machine already left behind (in the same transition) is dropped at once, as in journeyRun.
          if (!awaitsTimer(member.machine, command.timerId)) continue;
          member.timer = { id: command.timerId, dueMs: Date.now() + command.ms };
          if (!folded || !member.unwritten) continue;
          // The member's records are written before it sleeps; the timer counts from now all the same.
          addUnwritten(records, member);
          recordOwners.push(member);
          flushed.add(member);
          member.busy = true;
          break;
        }
        if (folded && (command.kind === 'register' || command.kind === 'record_step')) {
          // Kept for the member's next write and acknowledged at once.
          const unwritten = (member.unwritten ??= { steps: [] });
          if (command.kind === 'register')
            unwritten.registration = { startedAt: command.at, holdout: member.holdout };
          else {
            member.path.push(command.step.nodeId);
            unwritten.steps.push(command.step);
          }
          answer(member, { kind: 'recorded' });
          continue;
        }
        member.busy = true;
        switch (command.kind) {
          case 'register':
            records.registered.push({
              runId: member.runId,
              customerId: member.customerId,
              entry: member.entry,
              holdout: member.holdout,
              startedAt: command.at,
            });
            recordOwners.push(member);
            break;
          case 'record_step':
            member.path.push(command.step.nodeId);
            records.steps.push({ runId: member.runId, ...command.step });
            recordOwners.push(member);
            break;
          case 'finish':
            addUnwritten(records, member);
            records.finished.push({
              runId: member.runId,
              outcome: command.outcome,
              at: command.at,
              lastSeq: command.lastSeq,
            });
            recordOwners.push(member);
            break;
          case 'fail':
            addUnwritten(records, member);
            member.failure = command.reason;
            records.ended.push({ runId: member.runId, status: 'failed', reason: command.reason, at });
            recordOwners.push(member);
            break;
          case 'resolve_local_time':
            resolving.push({ member, request: command });
            break;
          case 'run_node': {
            const owners = nodes.get(command.stepId) ?? [];
            const { unwritten } = member;
            owners.push({
              member,
              at: command.at,
              holdout: command.holdout,
              ...(unwritten ? { records: unwritten } : {}),
            });
            nodes.set(command.stepId, owners);
            break;
          }
        }
        break;
      }
    }
    let launched = false;
    for (const owners of chunks(recordOwners, MAX_BATCH)) {
      const mine = new Set(owners.map((m) => m.runId));
      const of = <T extends { runId: string }>(rows: T[]) => rows.filter((r) => mine.has(r.runId));
      recordBatch(
        {
          registered: of(records.registered),
          steps: of(records.steps),
          finished: of(records.finished),
          ended: of(records.ended),
        },
        owners,
        flushed,
      );
      launched = true;
    }
    for (const [stepId, owners] of nodes) {
      for (const part of chunks(owners, MAX_BATCH)) nodeBatch(stepId, part);
      launched = true;
    }
    for (const part of chunks(resolving, MAX_BATCH)) {
      localTimes(part);
      launched = true;
    }
    return launched;
  };

  /** Writes the folded records of idle members now (before the cohort continues as new). */
  const flush = (idle: Member[]): void => {
    for (const part of chunks(idle, MAX_BATCH)) {
      const records = noRecords();
      for (const member of part) {
        member.busy = true;
        addUnwritten(records, member);
      }
      recordBatch(records, part, new Set(part));
    }
  };

  /** Idle members take what arrived for them; members whose timer is due fire it (after their events). */
  const takeArrivals = (): void => {
    // Busy members take theirs with their work's answer.
    for (const member of touched)
      if (!member.busy && !member.done && member.failure === undefined) takeHeld(member);
    touched.clear();
    const now = Date.now();
    for (const member of members.values()) {
      const { timer } = member;
      if (!timer || member.busy || member.done) continue;
      if (!awaitsTimer(member.machine, timer.id)) {
        member.timer = undefined;
        continue;
      }
      if (timer.dueMs > now) continue;
      member.timer = undefined;
      takeHeld(member);
      if (awaitsTimer(member.machine, timer.id)) apply(member, { kind: 'timer_fired', timerId: timer.id });
    }
  };

  const nextDueMs = (): number | undefined => {
    let next: number | undefined;
    for (const member of members.values()) {
      const { timer } = member;
      if (!timer || member.busy || member.done || !awaitsTimer(member.machine, timer.id)) continue;
      if (next === undefined || timer.dueMs < next) next = timer.dueMs;
    }
    return next;
  };

  const historyLimit = input.historyEventLimit ?? DEFAULT_HISTORY_EVENT_LIMIT;
  try {
    for (;;) {
      takeArrivals();
      dispatch();
      const open = [...members.values()].filter((m) => !m.done);
      if (open.length === 0 && inFlight === 0) return { outcomes, runs: (input.runsBefore ?? 0) + 1 };
      const info = workflowInfo();
      if (inFlight === 0 && (info.continueAsNewSuggested || info.historyLength >= historyLimit)) {
        // Records still folded (a member on a short timer) are written first: the carried state holds none.
        const unflushed = open.filter((m) => m.unwritten !== undefined);
        if (unflushed.length > 0) {
          flush(unflushed);
          continue;
        }
        const carried: CarriedCohortMember[] = open.map((m) => ({
          runId: m.runId,
          customerId: m.customerId,
          entry: m.entry,
          holdout: m.holdout,
          machine: m.machine,
          ...(m.timer ? { timer: m.timer } : {}),
          ...(Object.keys(m.outputs).length > 0 ? { outputs: m.outputs } : {}),
        }));
        return await continueAsNew<typeof cohortRun>({
          ...input,
          members: [],
          carried,
          finishedBefore: outcomes,
          runsBefore: (input.runsBefore ?? 0) + 1,
        });
      }
      woken = false;
      const due = nextDueMs();
      const idle = () => woken || touched.size > 0;
      if (due === undefined) await condition(idle);
      else await condition(idle, Math.max(due - Date.now(), 1));
    }
  } catch (error) {
    // A cancelled cohort records each open member's run as cancelled before it closes, as a cancelled run does.
    if (!isCancellation(error)) throw error;
    const at = new Date().toISOString();
    const open = [...members.values()].filter((m) => !m.done);
    await CancellationScope.nonCancellable(async () => {
      for (const part of chunks(open, MAX_BATCH)) {
        const records = noRecords();
        for (const member of part) {
          addUnwritten(records, member);
          records.ended.push({
            runId: member.runId,
            status: 'cancelled',
            reason: 'The cohort was cancelled',
            at,
          });
        }
        await bookkeeping.recordCohort({ workspaceId, journeyId, version, cohortWorkflowId, ...records });
      }
    });
    throw error;
  }
}

/** The innermost message of a failure: an activity's failure says "Activity task failed", its cause says why. */
function innermostMessage(error: Error): string {
  let failure: Error = error;
  while (failure.cause instanceof Error) failure = failure.cause;
  return failure.message || error.message;
}
