import { describe, expect, it } from 'vitest';
import type { MachineRun, StepRecord } from '@wakeflow/journey/machine';
import { BacktestReportBuilder, newRunTally, type EntrantInfo, type ReportContext } from './report';

const plan: MachineRun['plan'] = {
  entryStepId: 'trigger',
  steps: {
    trigger: { id: 'trigger', type: 'audience_trigger', op: 'entry', next: { next: 'mail' } },
    mail: {
      id: 'mail',
      type: 'send',
      op: 'activity',
      nodeType: 'send',
      nodeVersion: 1,
      config: { channel: 'email', templateId: 't' },
      startToCloseMs: 1000,
      retry: { maximumAttempts: 1, initialIntervalMs: 1000, backoffCoefficient: 2, maximumIntervalMs: 1000 },
      sendsMessage: true,
      next: { next: 'wait' },
    },
    wait: {
      id: 'wait',
      type: 'wait_for_event',
      op: 'wait',
      events: [{ event: 'login', outcome: 'login' }],
      timeoutMs: 7 * 86_400_000,
      timeoutOutcome: 'timeout',
      next: { login: 'back', timeout: 'gone' },
    },
    back: { id: 'back', type: 'exit', op: 'exit', outcome: 'reactivated', next: {} },
    gone: { id: 'gone', type: 'exit', op: 'exit', outcome: 'still_dormant', next: {} },
  },
  settings: {
    reentry: { mode: 'once' },
    holdoutPercent: 0,
    priority: 5,
    goal: { event: 'purchase', outcome: 'purchased' },
  },
};
const run = (holdout = false): MachineRun => ({ journeyId: 'j', customerId: 'c', holdout, plan });
const step = (nodeId: string, seq: number, previousOutcome?: string): StepRecord => ({
  nodeId,
  seq,
  at: new Date(Date.UTC(2026, 0, 1) + seq * 1000).toISOString(),
  ...(previousOutcome ? { previousOutcome } : {}),
});
const result = (steps: StepRecord[], outcome: string) => ({ status: 'completed' as const, outcome, steps });
const info = (tier: string, decision: 'sent' | 'skipped'): EntrantInfo => ({
  day: '2026-01-01',
  dormancyStage: 'dormant_1_3m',
  valueTier: tier,
  decisions: [
    {
      stepId: 'mail',
      channel: 'email',
      decision,
      ...(decision === 'skipped' ? { reason: 'no_consent' } : {}),
    },
  ],
});

const context: ReportContext = {
  journey: { id: 'j', name: 'J', version: 1 },
  window: { from: '2026-01-01', to: '2026-01-01', days: 1 },
  evaluation: { instant: 'end of day', triggerSegmentId: 's', reentry: { mode: 'once' } },
  customers: 3,
  unitCostMicros: new Map([['email', 2_000]]),
  stepLabels: new Map([['wait', { name: 'Wait', type: 'wait_for_event' }]]),
  fieldsWithoutHistory: ['traits'],
  rulesJudged: true,
  rulesNote: '',
};

describe('natural return at a wait', () => {
  const back = [step('trigger', 0), step('mail', 1), step('wait', 2), step('back', 3, 'login')];
  const gone = [step('trigger', 0), step('mail', 1), step('wait', 2), step('gone', 3, 'timeout')];
  const waitCounts = (runs: { steps: StepRecord[]; outcome?: string; open?: boolean }[]) => {
    const builder = new BacktestReportBuilder();
    for (const r of runs)
      builder.add({
        run: run(),
        info: info('high', 'sent'),
        result: r.open ? { status: 'open', steps: r.steps } : result(r.steps, r.outcome!),
        open: r.open ?? false,
        horizonMs: Date.UTC(2027, 0, 1),
      });
    const wait = builder.build(context, 0).naturalReturn.find((w) => w.stepId === 'wait');
    return wait && { reached: wait.reached, returned: wait.returned, timedOut: wait.timedOut };
  };

  it('is a return when the wait ended by its event, not when it timed out; other steps are no waits', () => {
    expect(waitCounts([{ steps: back, outcome: 'reactivated' }])).toEqual({
      reached: 1,
      returned: 1,
      timedOut: 0,
    });
    expect(waitCounts([{ steps: gone, outcome: 'still_dormant' }])).toEqual({
      reached: 1,
      returned: 0,
      timedOut: 1,
    });
  });

  it('counts the goal ending the run at the wait as a return, and an open wait as undecided', () => {
    const atWait = back.slice(0, 3);
    expect(waitCounts([{ steps: atWait, outcome: 'purchased' }])).toEqual({
      reached: 1,
      returned: 1,
      timedOut: 0,
    });
    expect(waitCounts([{ steps: atWait, open: true }])).toBeUndefined();
  });

  it('adds up a run step by step as it adds up the whole run', () => {
    const whole = new BacktestReportBuilder();
    const stepwise = new BacktestReportBuilder();
    const runs = [
      { steps: back, outcome: 'reactivated', open: false },
      { steps: gone, outcome: 'still_dormant', open: false },
      { steps: back.slice(0, 3), outcome: 'purchased', open: false },
      { steps: back.slice(0, 3), outcome: undefined, open: true },
    ];
    for (const r of runs) {
      const entrant = info('mid', 'sent');
      whole.add({
        run: run(),
        info: entrant,
        result: { status: r.open ? 'open' : 'completed', outcome: r.outcome, steps: r.steps },
        open: r.open,
        horizonMs: Date.UTC(2027, 0, 1),
      });
      const tally = newRunTally();
      for (const record of r.steps) stepwise.stepRecorded(run(), entrant, tally, record);
      stepwise.ended({
        run: run(),
        info: entrant,
        tally,
        status: r.open ? 'open' : 'completed',
        outcome: r.outcome,
        open: r.open,
      });
    }
    expect(stepwise.build(context, 0)).toEqual(whole.build(context, 0));
    expect(whole.build(context, 0).naturalReturn[0]).toMatchObject({ reached: 3, returned: 2, timedOut: 1 });
  });
});

describe('BacktestReportBuilder', () => {
  it('adds up entries, steps, outcomes, messages with cost, and natural return by tier', () => {
    const builder = new BacktestReportBuilder();
    builder.entered('2026-01-01', 3, 3);
    const back = [step('trigger', 0), step('mail', 1), step('wait', 2), step('back', 3, 'login')];
    const gone = [step('trigger', 0), step('mail', 1), step('wait', 2), step('gone', 3, 'timeout')];
    const horizonMs = Date.UTC(2027, 0, 1);
    builder.add({
      run: run(),
      info: info('high', 'sent'),
      result: result(back, 'reactivated'),
      open: false,
      horizonMs,
    });
    builder.add({
      run: run(),
      info: info('high', 'sent'),
      result: result(gone, 'still_dormant'),
      open: false,
      horizonMs,
    });
    builder.add({
      run: run(),
      info: info('low', 'skipped'),
      result: result(gone, 'still_dormant'),
      open: false,
      horizonMs,
    });
    const report = builder.build(context, 5);
    expect(report.entries).toEqual({
      total: 3,
      customers: 3,
      holdout: 0,
      byDay: [{ day: '2026-01-01', entered: 3 }],
    });
    expect(report.outcomes).toEqual([
      { outcome: 'still_dormant', runs: 2, share: 2 / 3 },
      { outcome: 'reactivated', runs: 1, share: 1 / 3 },
    ]);
    expect(report.steps.find((s) => s.stepId === 'wait')).toMatchObject({ name: 'Wait', runs: 3, share: 1 });
    expect(report.messages).toEqual([
      { channel: 'email', sent: 2, heldOut: 0, skipped: 1, deferrals: 0, unitCost: 0.002, cost: 0.004 },
    ]);
    expect(report.skipReasons).toEqual([{ reason: 'email: no_consent', count: 1 }]);
    const wait = report.naturalReturn[0]!;
    expect(wait).toMatchObject({ stepId: 'wait', reached: 3, returned: 1, timedOut: 2, rate: 1 / 3 });
    expect(wait.byValueTier).toEqual([
      { key: 'high', reached: 2, returned: 1, rate: 0.5 },
      { key: 'low', reached: 1, returned: 0, rate: 0 },
    ]);
  });
});
