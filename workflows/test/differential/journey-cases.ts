/**
 * Random journey cases for the differential test: a valid plan, the run's input and a timeline of the customer's
 * events, all plain data so a case that once failed can be kept as a literal. Activity steps carry a script of their
 * answers (an outcome, a deferral, a failure), which the fake node activity and the virtual clock's hooks both read.
 *
 * Times are chosen so that no event arrives within seconds of a timer or of another event: plan durations are whole
 * minutes from an entry on a whole minute, local times are whole minutes, and each event has its own second
 * (5, 12, 19 … 54) past a whole minute. Real runs drift by the milliseconds their activities take; such a timeline
 * means the drift can never change which came first, so both sides must agree exactly on everything but the
 * milliseconds.
 */
import fc from 'fast-check';
import type {
  CustomerEventPayload,
  JourneyRunInput,
  NodeActivityResult,
  Plan,
  PlanStep,
} from '@wakeflow/journey';

export const CUSTOMER_TIME_ZONE = 'Europe/Berlin';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** What a scripted node answers on its n-th call (the last answer repeats). */
export type ScriptedAnswer =
  | { kind: 'outcome'; outcome: 'sent' | 'skipped' | 'unmapped'; output?: Record<string, number> }
  | { kind: 'defer'; minutes: number }
  | { kind: 'fail'; message: string };

export type Shape =
  | { op: 'exit' }
  | { op: 'sleep'; minutes: number; next: Shape }
  | { op: 'local'; time: string; weekdays: number[]; next: Shape }
  | {
      op: 'wait';
      events: { event: string; minAmount?: number; correlated: boolean }[];
      timeoutMinutes: number;
      matched: Shape[];
      timeout: Shape;
    }
  | { op: 'split'; arms: { percent: number; holdout: boolean }[]; branches: Shape[] }
  | { op: 'activity'; answers: ScriptedAnswer[]; sent: Shape; skipped: Shape };

export interface TimelineEvent {
  /** Minutes after entry, rounded down; the event arrives at this minute plus its own second. */
  minute: number;
  name: 'login' | 'purchase' | 'browse';
  amount: number;
  orderId: string;
  /** How long before its arrival the event occurred (0, or days for a late delivery). */
  lagMinutes: number;
  /** Send the previous event's id again (a duplicate delivery). */
  duplicate: boolean;
}

export interface JourneyCase {
  plan: Pick<Plan, 'entryStepId' | 'steps' | 'settings'>;
  holdout: boolean;
  forcedArms?: Record<string, string>;
  entryOrderId?: string;
  customer: string;
  events: TimelineEvent[];
}

const EVENT_SECONDS = [5, 12, 19, 26, 33, 40, 47, 54] as const;

const answerArb: fc.Arbitrary<ScriptedAnswer> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('outcome' as const),
      outcome: fc.constantFrom('sent' as const, 'skipped' as const),
      output: fc.option(fc.record({ n: fc.integer({ min: 0, max: 9 }) }), { nil: undefined }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('defer' as const),
      minutes: fc.integer({ min: -90, max: 2 * 24 * 60 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'outcome' as const, outcome: 'unmapped' as const }) },
  {
    weight: 1,
    arbitrary: fc.constant({ kind: 'fail' as const, message: 'The provider refused the message' }),
  },
);

const shapeArb: fc.Arbitrary<Shape> = fc.letrec<{ shape: Shape }>((tie) => {
  const next = tie('shape');
  return {
    shape: fc.oneof(
      { maxDepth: 4, depthIdentifier: 'shape' },
      fc.constant({ op: 'exit' as const }),
      fc.record({
        op: fc.constant('sleep' as const),
        minutes: fc.integer({ min: 1, max: 3 * 24 * 60 }),
        next,
      }),
      fc.record({
        op: fc.constant('local' as const),
        time: fc.constantFrom('08:00', '20:30', '00:15'),
        weekdays: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
        next,
      }),
      fc
        .record({
          events: fc.array(
            fc.record({
              event: fc.constantFrom('login', 'purchase'),
              minAmount: fc.option(fc.constant(50), { nil: undefined }),
              correlated: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, fc.constant(true)),
            }),
            { minLength: 1, maxLength: 2 },
          ),
          timeoutMinutes: fc.integer({ min: 1, max: 3 * 24 * 60 }),
          timeout: next,
        })
        .chain((w) =>
          fc
            .array(next, { minLength: w.events.length, maxLength: w.events.length })
            .map((matched) => ({ op: 'wait' as const, ...w, matched })),
        ),
      fc
        .array(fc.record({ percent: fc.integer({ min: 0, max: 100 }), holdout: fc.boolean() }), {
          minLength: 1,
          maxLength: 3,
        })
        .chain((arms) =>
          fc
            .array(next, { minLength: arms.length, maxLength: arms.length })
            .map((branches) => ({ op: 'split' as const, arms, branches })),
        ),
      fc.record({
        op: fc.constant('activity' as const),
        // The last answer repeats, so it is never a deferral: a node that defers for ever never finishes a run.
        answers: fc
          .tuple(
            fc.array(answerArb, { maxLength: 2 }),
            answerArb.filter((a) => a.kind !== 'defer'),
          )
          .map(([first, last]) => [...first, last]),
        sent: next,
        skipped: next,
      }),
    ),
  };
}).shape;

/** Numbers the shape's steps depth-first into plan steps; returns the first step's id. */
function compile(shape: Shape, steps: Record<string, PlanStep>): string {
  const id = `s${Object.keys(steps).length + 1}`;
  const base = { id, name: id };
  // Reserve the id before the children take theirs.
  steps[id] = { ...base, type: 'exit', op: 'exit', outcome: id, next: {} };
  switch (shape.op) {
    case 'exit':
      return id;
    case 'sleep':
      steps[id] = {
        ...base,
        type: 'delay',
        op: 'sleep',
        ms: shape.minutes * MINUTE,
        next: { next: compile(shape.next, steps) },
      };
      return id;
    case 'local':
      steps[id] = {
        ...base,
        type: 'delay',
        op: 'sleep_until_local',
        time: shape.time,
        weekdays: shape.weekdays,
        next: { next: compile(shape.next, steps) },
      };
      return id;
    case 'wait': {
      const events = shape.events.map((e, i) => ({
        event: e.event,
        outcome: `${e.event}-${i}`,
        ...(e.minAmount !== undefined
          ? { filters: [{ path: 'amount', op: 'gte' as const, value: e.minAmount }] }
          : {}),
        ...(e.correlated ? { correlationKey: 'order_id' } : {}),
      }));
      const next: Record<string, string> = { timeout: compile(shape.timeout, steps) };
      events.forEach((e, i) => (next[e.outcome] = compile(shape.matched[i]!, steps)));
      steps[id] = {
        ...base,
        type: 'wait_for_event',
        op: 'wait',
        events,
        timeoutMs: shape.timeoutMinutes * MINUTE,
        timeoutOutcome: 'timeout',
        next,
      };
      return id;
    }
    case 'split': {
      const arms = shape.arms.map((a, i) => ({ name: `arm-${i}`, ...a }));
      const next: Record<string, string> = {};
      arms.forEach((a, i) => (next[a.name] = compile(shape.branches[i]!, steps)));
      steps[id] = { ...base, type: 'split', op: 'split', arms, next };
      return id;
    }
    case 'activity':
      steps[id] = {
        ...base,
        type: 'scripted',
        op: 'activity',
        nodeType: 'scripted',
        nodeVersion: 1,
        config: { answers: shape.answers },
        startToCloseMs: 10_000,
        retry: {
          maximumAttempts: 1,
          initialIntervalMs: 1_000,
          backoffCoefficient: 2,
          maximumIntervalMs: 10_000,
        },
        sendsMessage: true,
        next: { sent: compile(shape.sent, steps), skipped: compile(shape.skipped, steps) },
      };
      return id;
  }
}

export function planOf(shape: Shape, goal?: { event: string; minAmount?: number }): JourneyCase['plan'] {
  const steps: Record<string, PlanStep> = {};
  const first = compile(shape, steps);
  steps.t = { id: 't', type: 'api_trigger', op: 'entry', next: { next: first } };
  return {
    entryStepId: 't',
    steps,
    settings: {
      reentry: { mode: 'once' },
      holdoutPercent: 0,
      priority: 5,
      ...(goal
        ? {
            goal: {
              event: goal.event,
              outcome: 'converted',
              ...(goal.minAmount !== undefined
                ? { filters: [{ path: 'amount', op: 'gte' as const, value: goal.minAmount }] }
                : {}),
            },
          }
        : {}),
    },
  };
}

const eventArb: fc.Arbitrary<TimelineEvent> = fc.record({
  minute: fc.integer({ min: 0, max: 3 * 24 * 60 }),
  name: fc.constantFrom(
    'login' as const,
    'purchase' as const,
    'login' as const,
    'purchase' as const,
    'browse' as const,
  ),
  amount: fc.constantFrom(10, 80),
  orderId: fc.constantFrom('o1', 'o2'),
  lagMinutes: fc.oneof(
    { weight: 4, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.constant(2 * 24 * 60) },
  ),
  duplicate: fc.constant(false),
});

export const journeyCaseArb: fc.Arbitrary<JourneyCase> = fc
  .record({
    shape: shapeArb.filter((shape) => shape.op !== 'exit'),
    // A goal ends most runs early, so only a third of the plans have one.
    goal: fc.oneof(
      { weight: 2, arbitrary: fc.constant(undefined) },
      fc.record({
        event: fc.constantFrom('purchase', 'login'),
        minAmount: fc.option(fc.constant(50), { nil: undefined }),
      }),
    ),
    holdout: fc.boolean(),
    forced: fc.option(fc.constantFrom('arm-0', 'arm-1', 'arm-9'), { nil: undefined }),
    entryOrderId: fc.option(fc.constantFrom('o1', 'o2'), { nil: undefined }),
    customer: fc.constantFrom('ada', 'bo', 'cy', 'di', 'ed', 'flo'),
    events: fc.array(eventArb, { maxLength: EVENT_SECONDS.length }),
    duplicateAt: fc.option(fc.nat({ max: EVENT_SECONDS.length - 1 }), { nil: undefined }),
  })
  .map(({ shape, goal, holdout, forced, entryOrderId, customer, events, duplicateAt }) => {
    const plan = planOf(shape, goal);
    const splits = Object.values(plan.steps).filter((s) => s.op === 'split');
    const sorted = [...events]
      .sort((a, b) => a.minute - b.minute)
      .map((e, i) => ({ ...e, duplicate: i > 0 && i === duplicateAt }));
    return {
      plan,
      holdout,
      ...(forced && splits[0] ? { forcedArms: { [splits[0].id]: forced } } : {}),
      ...(entryOrderId ? { entryOrderId } : {}),
      customer,
      events: sorted,
    };
  });

/** The run's input for a case; ids make each run its own workflow. */
export function runInputOf(c: JourneyCase, runId: string, enteredAtMs: number): JourneyRunInput {
  return {
    runId,
    workspaceId: 'differential',
    journeyId: 'j-differential',
    version: 1,
    customerId: c.customer,
    entry: 1,
    plan: {
      schemaVersion: 1,
      trigger: { nodeId: 't', type: 'api_trigger', config: {} },
      nodeVersions: {},
      hash: '0'.repeat(64),
      ...c.plan,
    },
    holdout: c.holdout,
    ...(c.forcedArms ? { forcedArms: c.forcedArms } : {}),
    ...(c.entryOrderId
      ? {
          entryEvent: {
            eventId: `${runId}-entry`,
            name: 'order_placed',
            properties: { order_id: c.entryOrderId },
            occurredAt: new Date(enteredAtMs).toISOString(),
          },
        }
      : {}),
  };
}

/** The case's events with their arrival times, for a run that entered at `enteredAtMs` (a whole minute). */
export function scheduleOf(
  c: JourneyCase,
  runId: string,
  enteredAtMs: number,
): { atMs: number; event: CustomerEventPayload }[] {
  return c.events.map((e, i) => {
    const atMs = enteredAtMs + e.minute * MINUTE + EVENT_SECONDS[i]! * 1000;
    const id = e.duplicate && i > 0 ? i - 1 : i;
    return {
      atMs,
      event: {
        eventId: `${runId}-e${id}`,
        name: e.name,
        properties: { amount: e.amount, order_id: e.orderId },
        occurredAt: new Date(atMs - e.lagMinutes * MINUTE).toISOString(),
      },
    };
  });
}

/** A scripted node's answer on its `attempt`-th call at `at`; a failure is thrown by the caller. */
export function scriptedAnswer(
  config: Record<string, unknown>,
  attempt: number,
  at: string,
): NodeActivityResult | { fail: string } {
  const answers = config.answers as ScriptedAnswer[];
  const answer = answers[Math.min(attempt, answers.length) - 1]!;
  switch (answer.kind) {
    case 'outcome':
      return { outcome: answer.outcome, ...(answer.output ? { output: answer.output } : {}) };
    case 'defer':
      return {
        outcome: 'deferred',
        retryAt: new Date(Date.parse(at) + answer.minutes * MINUTE).toISOString(),
      };
    case 'fail':
      return { fail: answer.message };
  }
}

export { HOUR, MINUTE };
