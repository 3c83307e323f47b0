import { describe, expect, it } from 'vitest';
import { previewRunSteps, readScript, readScriptLine } from './test-journey';

describe('the test-journey script', () => {
  it('reads one event a line, with its day after entry', () => {
    expect(readScript('login on day 3\npurchase day 2.5\n\nnothing')).toEqual({
      ok: true,
      timeline: [
        { event: 'login', day: 3, properties: {} },
        { event: 'purchase', day: 2.5, properties: {} },
      ],
    });
    expect(readScriptLine('Nothing')).toEqual({ ok: true, event: null });
  });

  it('names the line that does not read', () => {
    expect(readScript('login on day 3\nlogs in someday')).toEqual({
      ok: false,
      message: 'Line 2: “logs in someday”: write an event and a day, e.g. “login on day 3”',
    });
    expect(readScriptLine('login on day 400')).toEqual({
      ok: false,
      message: '“login on day 400”: at most day 366',
    });
  });
});

describe('a preview as run steps', () => {
  it('leaves each step when the next begins, the last one open', () => {
    const steps = [
      {
        stepId: 't',
        seq: 0,
        type: 'api_trigger',
        at: '2026-12-07T10:00:00.000Z',
        outcome: 'next',
        notes: [],
      },
      {
        stepId: 'w',
        seq: 1,
        type: 'wait_for_event',
        at: '2026-12-07T10:00:00.000Z',
        outcome: 'login',
        notes: [],
      },
      { stepId: 'x', seq: 2, type: 'exit', at: '2026-12-10T10:00:00.000Z', notes: [] },
    ];
    expect(previewRunSteps({ steps })).toEqual([
      { nodeId: 't', seq: 0, enteredAt: steps[0]!.at, leftAt: steps[1]!.at, outcome: 'next' },
      { nodeId: 'w', seq: 1, enteredAt: steps[1]!.at, leftAt: steps[2]!.at, outcome: 'login' },
      { nodeId: 'x', seq: 2, enteredAt: steps[2]!.at, leftAt: null, outcome: null },
    ]);
  });
});
