/**
 * A run driven a little at a time (`VirtualRun`, as a backtest drives its runs while the event log streams by) must be
 * the run `runOnVirtualClock` gives with every event known from the start — which the differential test holds against
 * `journeyRun` on Temporal. Random plans and timelines of the differential test, cut at random horizons: each event
 * is added only once the horizon has reached the day it is due on, as the backtest adds the log's events. No
 * Temporal needed: both sides are the machine.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextLocalTime } from '@wakeflow/journey';
import {
  runOnVirtualClock,
  VirtualRun,
  type NodeAnswer,
  type VirtualNodeCall,
  type VirtualRunHooks,
} from '@wakeflow/journey/machine';
import {
  CUSTOMER_TIME_ZONE,
  journeyCaseArb,
  runInputOf,
  scheduleOf,
  scriptedAnswer,
  MINUTE,
  type JourneyCase,
} from './differential/journey-cases';

const ENTERED = Date.parse('2026-03-02T09:00:00.000Z');

function hooksOf(c: JourneyCase): VirtualRunHooks {
  return {
    runNode: (call: VirtualNodeCall) => {
      const step = c.plan.steps[call.stepId];
      if (step?.op !== 'activity') throw new Error(`no activity step ${call.stepId}`);
      const answer = scriptedAnswer(step.config, call.attempt, call.at);
      if ('fail' in answer) throw new Error(answer.fail);
      return answer;
    },
    nextLocalTime: ({ after, time, weekdays }) =>
      nextLocalTime(new Date(after), CUSTOMER_TIME_ZONE, time, weekdays).toISOString(),
  };
}

describe('VirtualRun driven horizon by horizon', () => {
  it('gives the run the virtual clock gives with every event known at once', () => {
    fc.assert(
      fc.property(
        journeyCaseArb,
        // Horizons as steps forward: minutes to days, so they fall before, between and on events and timers.
        fc.array(fc.integer({ min: 1, max: 3 * 24 * 60 }), { minLength: 1, maxLength: 12 }),
        (c, stepsMinutes) => {
          const input = runInputOf(c, 'horizons', ENTERED);
          const events = scheduleOf(c, 'horizons', ENTERED);
          const hooks = hooksOf(c);
          const whole = runOnVirtualClock(input, { startMs: ENTERED, events, hooks });

          const stepped = new VirtualRun(input, { startMs: ENTERED, nextLocalTime: hooks.nextLocalTime });
          const calls: VirtualNodeCall[] = [];
          let added = 0;
          let horizon = ENTERED;
          const driveTo = (untilMs: number) => {
            while (added < events.length && events[added]!.atMs <= untilMs)
              stepped.addEvent(events[added++]!);
            for (let call = stepped.next(untilMs); call; call = stepped.next(untilMs)) {
              calls.push(call);
              let answer: NodeAnswer;
              try {
                answer = { result: hooks.runNode(call) };
              } catch (error) {
                answer = { error: (error as Error).message };
              }
              stepped.answer(answer);
            }
          };
          for (const minutes of stepsMinutes) {
            horizon += minutes * MINUTE;
            driveTo(horizon);
            // Nothing it did lies past the horizon.
            expect(stepped.steps.every((s) => Date.parse(s.at) <= horizon)).toBe(true);
          }
          driveTo(Infinity);
          expect(stepped.result()).toEqual(whole);
          expect(calls).toEqual(whole.nodeCalls);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses events out of time order', () => {
    const c = fc.sample(journeyCaseArb, { numRuns: 1, seed: 7 })[0]!;
    const run = new VirtualRun(runInputOf(c, 'order', ENTERED), {
      startMs: ENTERED,
      nextLocalTime: hooksOf(c).nextLocalTime,
    });
    const event = {
      eventId: 'e',
      name: 'login',
      properties: {},
      occurredAt: new Date(ENTERED).toISOString(),
    };
    run.addEvent({ atMs: ENTERED + 2 * MINUTE, event });
    expect(() => run.addEvent({ atMs: ENTERED + MINUTE, event })).toThrow(/time order/);
  });
});
