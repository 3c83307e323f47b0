import { describe, expect, it } from 'vitest';
import type { CustomerEventPayload, NodeActivityResult, PlanStep } from '../index';
import {
  ALL_FEATURES,
  advance,
  awaitsTimer,
  startJourney,
  waitingFor,
  type MachineFeature,
  type MachineFeatures,
  type MachineRun,
} from './journey-machine';
import { runOnVirtualClock, type VirtualNodeCall } from './virtual-run';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const START = Date.parse('2026-12-07T09:00:00.000Z');

const send: PlanStep = {
  id: 'mail',
  type: 'send',
  op: 'activity',
  nodeType: 'send',
  nodeVersion: 1,
  config: {},
  startToCloseMs: 10_000,
  retry: { maximumAttempts: 3, initialIntervalMs: 1_000, backoffCoefficient: 2, maximumIntervalMs: 10_000 },
  sendsMessage: true,
  next: { sent: 'w', skipped: 'w' },
};

/** Trigger → send → wait 7 days for a login → exits; goal: a purchase. */
function canonical(overrides: Partial<MachineRun> = {}): MachineRun {
  return {
    journeyId: 'j',
    customerId: 'c',
    holdout: false,
    plan: {
      entryStepId: 't',
      steps: {
        t: { id: 't', type: 'api_trigger', op: 'entry', next: { next: 'mail' } },
        mail: send,
        w: {
          id: 'w',
          type: 'wait_for_event',
          op: 'wait',
          events: [{ event: 'login', outcome: 'login' }],
          timeoutMs: 7 * DAY,
          timeoutOutcome: 'timeout',
          next: { login: 'back', timeout: 'gone' },
        },
        back: { id: 'back', type: 'exit', op: 'exit', outcome: 'reactivated', next: {} },
        gone: { id: 'gone', type: 'exit', op: 'exit', outcome: 'still_dormant', next: {} },
      },
      settings: {
        goal: { event: 'purchase', outcome: 'converted' },
        reentry: { mode: 'once' },
        holdoutPercent: 0,
        priority: 5,
      },
    },
    ...overrides,
  };
}

function event(id: string, name: string, occurredAtMs: number, properties = {}): CustomerEventPayload {
  return { eventId: id, name, properties, occurredAt: new Date(occurredAtMs).toISOString() };
}

const sent = (): NodeActivityResult => ({ outcome: 'sent' });
const hooks = (runNode: (call: VirtualNodeCall) => NodeActivityResult = sent) => ({
  runNode,
  nextLocalTime: ({ after }: { after: string }) =>
    new Date(Date.parse(after) + 3 * 60 * MINUTE).toISOString(),
});

describe('journey machine on a virtual clock', () => {
  it('times out a wait nobody answers', () => {
    const run = runOnVirtualClock(canonical(), { startMs: START, hooks: hooks() });
    expect(run.status).toBe('completed');
    expect(run.outcome).toBe('still_dormant');
    expect(run.path).toEqual(['t', 'mail', 'w', 'gone']);
    expect(run.steps.map((s) => [s.nodeId, s.seq, s.previousOutcome])).toEqual([
      ['t', 0, undefined],
      ['mail', 1, 'next'],
      ['w', 2, 'sent'],
      ['gone', 3, 'timeout'],
    ]);
    expect(run.finish).toEqual({
      outcome: 'still_dormant',
      at: new Date(START + 7 * DAY).toISOString(),
      lastSeq: 3,
    });
  });

  it('ends a wait at the first event it accepts, and counts only events that occurred after the wait began', () => {
    const run = runOnVirtualClock(canonical(), {
      startMs: START,
      events: [
        { atMs: START + DAY, event: event('old', 'login', START - DAY) },
        { atMs: START + 2 * DAY, event: event('new', 'login', START + 2 * DAY) },
      ],
      hooks: hooks(),
    });
    expect(run.outcome).toBe('reactivated');
    expect(run.steps.at(-1)).toMatchObject({ nodeId: 'back', at: new Date(START + 2 * DAY).toISOString() });
  });

  it('counts events by arrival alone for runs from before the occurrence rule', () => {
    const legacy: MachineFeatures = { has: (feature) => feature !== 'events-count-from-when-waiting-began' };
    const run = runOnVirtualClock(canonical(), {
      startMs: START,
      events: [{ atMs: START + DAY, event: event('old', 'login', START - DAY) }],
      hooks: hooks(),
      features: legacy,
    });
    expect(run.outcome).toBe('reactivated');
  });

  it('ends the run at the goal wherever it is, and ignores a second delivery of an event', () => {
    const run = runOnVirtualClock(canonical(), {
      startMs: START,
      events: [
        { atMs: START + DAY, event: event('p', 'browse', START + DAY) },
        { atMs: START + 2 * DAY, event: event('p', 'purchase', START + 2 * DAY) },
        { atMs: START + 3 * DAY, event: event('q', 'purchase', START + 3 * DAY) },
      ],
      hooks: hooks(),
    });
    expect(run.outcome).toBe('converted');
    expect(run.finish?.at).toBe(new Date(START + 3 * DAY).toISOString());
    expect(run.state.seenEventIds).toEqual(['p', 'q']);
  });

  it('weighs events that arrive together together: the goal wins over the wait', () => {
    const run = runOnVirtualClock(canonical(), {
      startMs: START,
      events: [
        { atMs: START + DAY, event: event('l', 'login', START + DAY) },
        { atMs: START + DAY, event: event('p', 'purchase', START + DAY) },
      ],
      hooks: hooks(),
    });
    expect(run.outcome).toBe('converted');
    expect(run.path).toEqual(['t', 'mail', 'w']);
  });

  it('sleeps until a deferred node may run, at least a second, and runs it again', () => {
    let calls = 0;
    const run = runOnVirtualClock(canonical(), {
      startMs: START,
      hooks: hooks((call) => {
        calls += 1;
        if (calls === 1)
          return { outcome: 'ignored', retryAt: new Date(Date.parse(call.at) + 60 * MINUTE).toISOString() };
        if (calls === 2)
          return { outcome: 'ignored', retryAt: new Date(Date.parse(call.at) - MINUTE).toISOString() };
        return { outcome: 'sent', output: { messageId: 'm1' } };
      }),
    });
    expect(run.nodeCalls.map((c) => [c.attempt, c.at])).toEqual([
      [1, new Date(START).toISOString()],
      [2, new Date(START + 60 * MINUTE).toISOString()],
      [3, new Date(START + 60 * MINUTE + 1_000).toISOString()],
    ]);
    expect(run.outcome).toBe('still_dormant');
  });

  it('fails the run when a node answers an outcome the plan has no path for', () => {
    const run = runOnVirtualClock(canonical(), {
      startMs: START,
      hooks: hooks(() => ({ outcome: 'bounced' })),
    });
    expect(run.status).toBe('failed');
    expect(run.reason).toBe('Step mail has no path for outcome “bounced”');
  });
});

describe('journey machine transitions', () => {
  it('starts a local-time sleep and drops it at once when the goal came while the time was resolved', () => {
    const run: MachineRun = canonical();
    run.plan.steps.t = { id: 't', type: 'api_trigger', op: 'entry', next: { next: 'night' } };
    run.plan.steps.night = {
      id: 'night',
      type: 'delay',
      op: 'sleep_until_local',
      time: '20:00',
      weekdays: [1],
      next: { next: 'w' },
    };
    let t = startJourney(run, START, ALL_FEATURES);
    t = advance(run, t.state, { kind: 'recorded' }, START, ALL_FEATURES); // registered → record t
    t = advance(run, t.state, { kind: 'recorded' }, START, ALL_FEATURES); // t recorded → record night
    t = advance(run, t.state, { kind: 'recorded' }, START, ALL_FEATURES); // night recorded → resolve
    expect(t.commands).toEqual([
      { kind: 'resolve_local_time', after: new Date(START).toISOString(), time: '20:00', weekdays: [1] },
    ]);
    t = advance(
      run,
      t.state,
      { kind: 'events', events: [event('p', 'purchase', START)] },
      START,
      ALL_FEATURES,
    );
    expect(t.commands).toEqual([]);
    const until = new Date(START + 11 * 60 * MINUTE).toISOString();
    t = advance(run, t.state, { kind: 'local_time', until }, START, ALL_FEATURES);
    expect(t.commands.map((c) => c.kind)).toEqual(['start_timer', 'finish']);
    expect(awaitsTimer(t.state, 1)).toBe(false);
  });

  it('asks for forced arms only at a split whose drawn arm a winner could replace', () => {
    const asked: MachineFeature[] = [];
    const features: MachineFeatures = {
      has: (feature) => {
        asked.push(feature);
        return true;
      },
    };
    const run = canonical({ forcedArms: { s: 'b' } });
    run.plan.steps.t = { id: 't', type: 'api_trigger', op: 'entry', next: { next: 's' } };
    run.plan.steps.s = {
      id: 's',
      type: 'split',
      op: 'split',
      arms: [
        { name: 'a', percent: 100, holdout: false },
        { name: 'b', percent: 0, holdout: false },
      ],
      next: { a: 'gone', b: 'back' },
    };
    const result = runOnVirtualClock(run, { startMs: START, hooks: hooks(), features });
    expect(asked).toEqual([
      'events-count-from-when-waiting-began',
      'wait-begins-at-step-entry',
      'forced-arms',
    ]);
    expect(result.outcome).toBe('reactivated');
    expect(result.steps.at(-1)?.splitArm).toEqual({ stepId: 's', arm: 'b', holdout: false });
  });

  it('says what the run waits for, and never changes the state it was given', () => {
    const run = canonical();
    let t = startJourney(run, START, ALL_FEATURES);
    for (let i = 0; i < 3; i++) t = advance(run, t.state, { kind: 'recorded' }, START, ALL_FEATURES);
    t = advance(run, t.state, { kind: 'node_result', result: { outcome: 'sent' } }, START, ALL_FEATURES);
    t = advance(run, t.state, { kind: 'recorded' }, START, ALL_FEATURES);
    expect(waitingFor(run, t.state)).toEqual({
      kind: 'event',
      until: new Date(START + 7 * DAY).toISOString(),
      events: ['login'],
    });
    const before = structuredClone(t.state);
    advance(run, t.state, { kind: 'events', events: [event('l', 'login', START)] }, START, ALL_FEATURES);
    expect(t.state).toEqual(before);
    expect(JSON.parse(JSON.stringify(t.state))).toEqual(t.state);
  });

  /** Drives the canonical run to the wait's step, whose record is not yet acknowledged at `recordedAtMs`. */
  function atWaitStepBeingRecorded(features: MachineFeatures) {
    const run = canonical();
    let t = startJourney(run, START, features);
    for (let i = 0; i < 3; i++) t = advance(run, t.state, { kind: 'recorded' }, START, features);
    t = advance(run, t.state, { kind: 'node_result', result: { outcome: 'sent' } }, START, features);
    return { run, t };
  }

  it('counts for a wait an event that occurred after its step was entered but arrived before the record was acknowledged', () => {
    const { run, t: entered } = atWaitStepBeingRecorded(ALL_FEATURES);
    // The record takes ten minutes (a backlog); the customer logs in five minutes after the run reached the wait.
    let t = advance(
      run,
      entered.state,
      { kind: 'events', events: [event('l', 'login', START + 5 * MINUTE)] },
      START + 5 * MINUTE,
      ALL_FEATURES,
    );
    expect(t.commands).toEqual([]);
    t = advance(run, t.state, { kind: 'recorded' }, START + 10 * MINUTE, ALL_FEATURES);
    expect(t.commands).toEqual([
      {
        kind: 'record_step',
        step: {
          nodeId: 'back',
          seq: 3,
          at: new Date(START + 10 * MINUTE).toISOString(),
          previousOutcome: 'login',
        },
      },
    ]);
  });

  it('keeps the old rule for runs whose history predates it: the wait begins when the record is acknowledged', () => {
    const legacy: MachineFeatures = { has: (feature) => feature !== 'wait-begins-at-step-entry' };
    const { run, t: entered } = atWaitStepBeingRecorded(legacy);
    let t = advance(
      run,
      entered.state,
      { kind: 'events', events: [event('l', 'login', START + 5 * MINUTE)] },
      START + 5 * MINUTE,
      legacy,
    );
    t = advance(run, t.state, { kind: 'recorded' }, START + 10 * MINUTE, legacy);
    expect(t.commands.map((c) => c.kind)).toEqual(['start_timer']);
    // An event that occurred before the step was entered never counts, under either rule.
    const { t: again } = atWaitStepBeingRecorded(ALL_FEATURES);
    const early = advance(
      run,
      again.state,
      { kind: 'events', events: [event('old', 'login', START - MINUTE)] },
      START + MINUTE,
      ALL_FEATURES,
    );
    expect(
      advance(run, early.state, { kind: 'recorded' }, START + 2 * MINUTE, ALL_FEATURES).commands.map(
        (c) => c.kind,
      ),
    ).toEqual(['start_timer']);
  });

  describe('operator control (journey-control)', () => {
    /** The canonical run sent its mail and waits for a login. */
    function waiting() {
      const { run, t } = atWaitStepBeingRecorded(ALL_FEATURES);
      return { run, t: advance(run, t.state, { kind: 'recorded' }, START, ALL_FEATURES) };
    }

    it('ends a waiting run at once with the control outcome, dropping its timer', () => {
      const { run, t: w } = waiting();
      expect(awaitsTimer(w.state, 1)).toBe(true);
      const control = { kind: 'control', control: { action: 'end', outcome: 'stopped' } } as const;
      const t = advance(run, w.state, control, START + MINUTE, ALL_FEATURES);
      expect(t.commands).toEqual([
        { kind: 'finish', outcome: 'stopped', at: new Date(START + MINUTE).toISOString(), lastSeq: 2 },
      ]);
      expect(awaitsTimer(t.state, 1)).toBe(false);
    });

    it('ends a busy run when the busy part answers, without running its next step', () => {
      const run = canonical();
      let t = startJourney(run, START, ALL_FEATURES);
      for (let i = 0; i < 3; i++) t = advance(run, t.state, { kind: 'recorded' }, START, ALL_FEATURES);
      expect(t.commands.map((c) => c.kind)).toEqual(['run_node']);
      // Removed while the mail is being sent: the send answers, then the run ends instead of entering the wait.
      t = advance(
        run,
        t.state,
        { kind: 'control', control: { action: 'end', outcome: 'removed' } },
        START,
        ALL_FEATURES,
      );
      expect(t.commands).toEqual([]);
      t = advance(run, t.state, { kind: 'node_result', result: { outcome: 'sent' } }, START, ALL_FEATURES);
      expect(t.commands).toEqual([
        { kind: 'finish', outcome: 'removed', at: new Date(START).toISOString(), lastSeq: 1 },
      ]);
    });

    it('runs a step held by a pause again at once on resume; an ordinary deferral waits for its time', () => {
      const run = canonical();
      let t = startJourney(run, START, ALL_FEATURES);
      for (let i = 0; i < 3; i++) t = advance(run, t.state, { kind: 'recorded' }, START, ALL_FEATURES);
      const later = new Date(START + 5 * MINUTE).toISOString();
      const held = advance(
        run,
        t.state,
        { kind: 'node_result', result: { outcome: 'held', retryAt: later, held: true } },
        START,
        ALL_FEATURES,
      );
      const resume = { kind: 'control', control: { action: 'resume' } } as const;
      const resumed = advance(run, held.state, resume, START + MINUTE, ALL_FEATURES);
      expect(resumed.commands.map((c) => c.kind)).toEqual(['run_node']);
      expect(awaitsTimer(resumed.state, 1)).toBe(false);
      const quiet = advance(
        run,
        t.state,
        { kind: 'node_result', result: { outcome: 'ignored', retryAt: later } },
        START,
        ALL_FEATURES,
      );
      expect(advance(run, quiet.state, resume, START + MINUTE, ALL_FEATURES).commands).toEqual([]);
      // A goal met during a hold still ends the run.
      const goal = advance(
        run,
        held.state,
        { kind: 'events', events: [event('p', 'purchase', START + MINUTE)] },
        START + MINUTE,
        ALL_FEATURES,
      );
      expect(goal.commands.map((c) => c.kind)).toEqual(['finish']);
    });

    it('ignores a control once the run is finishing', () => {
      const { run, t: w } = waiting();
      const stop = { kind: 'control', control: { action: 'end', outcome: 'stopped' } } as const;
      const ended = advance(run, w.state, stop, START, ALL_FEATURES);
      expect(advance(run, ended.state, stop, START, ALL_FEATURES).commands).toEqual([]);
    });
  });
});
