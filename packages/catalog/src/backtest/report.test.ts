import { describe, expect, it } from 'vitest';
import type { MachineRun, StepRecord } from '@wakeflow/journey/machine';
import { BacktestReportBuilder, returnedDuringWait, type EntrantInfo } from './report';

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

describe('returnedDuringWait', () => {
  const back = [step('trigger', 0), step('mail', 1), step('wait', 2), step('back', 3, 'login')];
  const gone = [step('trigger', 0), step('mail', 1), step('wait', 2), step('gone', 3, 'timeout')];
  it('is true when the wait ended by its event, false by its timeout, undefined for other steps', () => {
    expect(returnedDuringWait(run(), back, 2, { open: false, outcome: 'reactivated' })).toBe(true);
    expect(returnedDuringWait(run(), gone, 2, { open: false, outcome: 'still_dormant' })).toBe(false);
    expect(returnedDuringWait(run(), back, 1, { open: false, outcome: 'reactivated' })).toBeUndefined();
  });
  it('counts the goal ending the run at the wait as a return, and an open wait as undecided', () => {
    const atWait = back.slice(0, 3);
    expect(returnedDuringWait(run(), atWait, 2, { open: false, outcome: 'purchased' })).toBe(true);
    expect(returnedDuringWait(run(), atWait, 2, { open: true, outcome: undefined })).toBeUndefined();
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
    const report = builder.build(
      {
        journey: { id: 'j', name: 'J', version: 1 },
        window: { from: '2026-01-01', to: '2026-01-01', days: 1 },
        evaluation: { instant: 'end of day', triggerSegmentId: 's', reentry: { mode: 'once' } },
        customers: 3,
        unitCostMicros: new Map([['email', 2_000]]),
        stepLabels: new Map([['wait', { name: 'Wait', type: 'wait_for_event' }]]),
        fieldsWithoutHistory: ['traits'],
        rulesJudged: true,
        rulesNote: '',
      },
      5,
    );
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
