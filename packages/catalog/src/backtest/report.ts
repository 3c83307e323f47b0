/**
 * The backtest report, added up run by run as runs finish (nothing per run is kept): entries per day, how many
 * reached each step (the share down each path), outcomes, messages per channel as the rules judged them, their cost
 * at the channels' unit costs, and the natural return within each wait — the share of customers who came back
 * (the wait ended by one of its events, or the goal ended the run there) before the wait timed out, by dormancy
 * stage at entry and value tier. With no treatment effect in a backtest, that is what a holdout would show.
 */
import type { BacktestReport, ReturnGroup } from '@wakeflow/contracts';
import type { MachineRun, StepRecord, VirtualRunResult } from '@wakeflow/journey/machine';

export type SendDecisionKind = 'sent' | 'held_out' | 'skipped' | 'deferred';

/** How the rules judged one call of a messaging step (or that the run is in the holdout). */
export interface SendDecision {
  stepId: string;
  channel: string;
  decision: SendDecisionKind;
  reason?: string;
}

/** What the report needs to know of one entrant, besides its run. */
export interface EntrantInfo {
  day: string;
  dormancyStage: string;
  valueTier: string | null;
  /** The run's messaging calls as the rules judged them, in the order they were made (up to the horizon). */
  decisions: SendDecision[];
}

export interface FinishedBacktestRun {
  run: MachineRun;
  info: EntrantInfo;
  result: Pick<VirtualRunResult, 'status' | 'outcome' | 'steps'>;
  open: boolean;
  horizonMs: number;
}

interface ReturnCounts {
  reached: number;
  returned: number;
  timedOut: number;
}

const emptyCounts = (): ReturnCounts => ({ reached: 0, returned: 0, timedOut: 0 });
const share = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

function bump<K>(map: Map<K, number>, key: K, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/**
 * What the report keeps of a run while it goes (its steps are added up as they are recorded, not kept): the steps it
 * has reached, and the wait it is at. Whether a wait ended by one of its events (a return) or by its timeout is
 * known when the next step is recorded; a run that ends at a wait ended by the goal (a customer who bought is
 * back); a run still open at a wait is undecided.
 */
export interface RunTally {
  reached: string[];
  waitingAt: string | undefined;
}

export const newRunTally = (): RunTally => ({ reached: [], waitingAt: undefined });

/** How a run ended, for the report: `open` when the log ended first. */
export interface EndedBacktestRun {
  run: MachineRun;
  info: EntrantInfo;
  tally: RunTally;
  status: VirtualRunResult['status'];
  outcome: string | undefined;
  open: boolean;
}

export interface ReportContext {
  journey: BacktestReport['journey'];
  window: BacktestReport['window'];
  evaluation: BacktestReport['evaluation'];
  customers: number;
  /** Micro-units per message by channel (the default provider's unit cost). */
  unitCostMicros: ReadonlyMap<string, number>;
  /** Plan step id → name and type, for labels. */
  stepLabels: ReadonlyMap<string, { name: string; type: string }>;
  /** Fields the trigger reads at today's value. */
  fieldsWithoutHistory: readonly string[];
  rulesJudged: boolean;
  rulesNote: string;
}

export class BacktestReportBuilder {
  private readonly entriesByDay = new Map<string, number>();
  private entries = 0;
  private holdoutEntries = 0;
  private customersEntered = 0;
  private openRuns = 0;
  private failedRuns = 0;
  private readonly outcomes = new Map<string, number>();
  private readonly stepsReached = new Map<string, number>();
  private readonly messages = new Map<string, Map<SendDecisionKind, number>>();
  /** Final skipped calls by decision (the backtest interns them: a few keys, not a string per message). */
  private readonly skipped = new Map<SendDecision, number>();
  private readonly waits = new Map<
    string,
    { all: ReturnCounts; stage: Map<string, ReturnCounts>; tier: Map<string, ReturnCounts> }
  >();
  private readonly defaulted = new Set<string>();

  /** Entries happen when the trigger is evaluated, before the runs end. */
  entered(day: string, count: number, newCustomers: number): void {
    if (count === 0) return;
    bump(this.entriesByDay, day, count);
    this.entries += count;
    this.customersEntered += newCustomers;
  }

  /** A node answered with its kind's first outcome because a backtest cannot run it (reported). */
  defaultedNode(stepId: string): void {
    this.defaulted.add(stepId);
  }

  /** A whole run at once: its steps (up to the horizon when it is open), then its end. */
  add(finished: FinishedBacktestRun): void {
    const { run, info, result, open, horizonMs } = finished;
    const tally = newRunTally();
    for (const record of result.steps)
      if (!open || Date.parse(record.at) <= horizonMs) this.stepRecorded(run, info, tally, record);
    this.ended({ run, info, tally, status: result.status, outcome: result.outcome, open });
  }

  /** A step a run recorded; a run's steps come in order. */
  stepRecorded(run: MachineRun, info: EntrantInfo, tally: RunTally, record: StepRecord): void {
    if (tally.waitingAt !== undefined) {
      const wait = run.plan.steps[tally.waitingAt];
      if (wait?.op === 'wait')
        this.countReturn(tally.waitingAt, info, record.previousOutcome !== wait.timeoutOutcome);
    }
    if (!tally.reached.includes(record.nodeId)) {
      if (record.seq > 0) bump(this.stepsReached, record.nodeId);
      tally.reached.push(record.nodeId);
    }
    tally.waitingAt = run.plan.steps[record.nodeId]?.op === 'wait' ? record.nodeId : undefined;
  }

  /** A run ended, or was still going when the log did (`open`). */
  ended(ended: EndedBacktestRun): void {
    const { run, info, tally, open } = ended;
    if (run.holdout) this.holdoutEntries += 1;
    if (open) this.openRuns += 1;
    else if (ended.status === 'completed') bump(this.outcomes, ended.outcome ?? 'completed');
    else this.failedRuns += 1;
    // A run that ended at a wait: only the goal ends a run there (a customer who bought is back).
    const goal = run.plan.settings.goal;
    if (tally.waitingAt !== undefined && !open && goal && ended.outcome === goal.outcome)
      this.countReturn(tally.waitingAt, info, true);
    // Each messaging step counts once, as its last call was judged; earlier calls that deferred count as deferrals.
    // A run makes a few calls: a scan for a later call of the same step, no map per run.
    const calls = info.decisions;
    for (let i = 0; i < calls.length; i++) {
      const decision = calls[i]!;
      let superseded = false;
      for (let later = i + 1; later < calls.length && !superseded; later++)
        superseded = calls[later]!.stepId === decision.stepId;
      this.countMessage(decision, superseded);
    }
  }

  private countReturn(waitId: string, info: EntrantInfo, back: boolean): void {
    let wait = this.waits.get(waitId);
    if (!wait) {
      wait = { all: emptyCounts(), stage: new Map(), tier: new Map() };
      this.waits.set(waitId, wait);
    }
    count(wait.all, back);
    count(groupOf(wait.stage, info.dormancyStage), back);
    count(groupOf(wait.tier, info.valueTier ?? 'none'), back);
  }

  private countMessage(decision: SendDecision, superseded: boolean): void {
    let byKind = this.messages.get(decision.channel);
    if (!byKind) {
      byKind = new Map();
      this.messages.set(decision.channel, byKind);
    }
    bump(byKind, superseded ? 'deferred' : decision.decision);
    if (!superseded && decision.decision === 'skipped') bump(this.skipped, decision);
  }

  build(context: ReportContext, tookMs: number): BacktestReport {
    const label = (stepId: string) => context.stepLabels.get(stepId) ?? { name: stepId, type: 'unknown' };
    const group = (key: string, c: ReturnCounts): ReturnGroup => ({
      key,
      reached: c.reached,
      returned: c.returned,
      rate: share(c.returned, c.reached),
    });
    const skipReasons = new Map<string, number>();
    for (const [decision, count] of this.skipped)
      bump(skipReasons, `${decision.channel}: ${decision.reason ?? 'skipped'}`, count);
    let totalCostMicros = 0;
    const messages = [...this.messages.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([channel, byKind]) => {
        const sent = byKind.get('sent') ?? 0;
        const unitCostMicros = context.unitCostMicros.get(channel) ?? 0;
        totalCostMicros += sent * unitCostMicros;
        return {
          channel,
          sent,
          heldOut: byKind.get('held_out') ?? 0,
          skipped: byKind.get('skipped') ?? 0,
          deferrals: byKind.get('deferred') ?? 0,
          unitCost: unitCostMicros / 1e6,
          cost: (sent * unitCostMicros) / 1e6,
        };
      });
    return {
      journey: context.journey,
      window: context.window,
      evaluation: context.evaluation,
      customers: context.customers,
      entries: {
        total: this.entries,
        customers: this.customersEntered,
        holdout: this.holdoutEntries,
        byDay: [...this.entriesByDay.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([day, entered]) => ({ day, entered })),
      },
      runs: { open: this.openRuns, failed: this.failedRuns },
      outcomes: [...this.outcomes.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([outcome, runs]) => ({ outcome, runs, share: share(runs, this.entries) })),
      steps: [...this.stepsReached.entries()].map(([stepId, runs]) => ({
        stepId,
        ...label(stepId),
        runs,
        share: share(runs, this.entries),
      })),
      messages,
      skipReasons: [...skipReasons.entries()].map(([reason, count]) => ({ reason, count })),
      cost: { total: totalCostMicros / 1e6 },
      naturalReturn: [...this.waits.entries()].map(([stepId, w]) => {
        const step = label(stepId);
        return {
          stepId,
          name: step.name,
          ...group('all', w.all),
          timedOut: w.all.timedOut,
          byDormancyStage: [...w.stage.entries()].sort().map(([k, c]) => group(k, c)),
          byValueTier: [...w.tier.entries()].sort().map(([k, c]) => group(k, c)),
        };
      }),
      notes: {
        fieldsWithoutHistory: [...context.fieldsWithoutHistory],
        rulesJudged: context.rulesJudged,
        rules: context.rulesNote,
        defaultedSteps: [...this.defaulted].sort(),
        noTreatmentEffect: true,
      },
      tookMs,
    };
  }
}

function count(counts: ReturnCounts, back: boolean): void {
  counts.reached += 1;
  if (back) counts.returned += 1;
  else counts.timedOut += 1;
}

function groupOf(map: Map<string, ReturnCounts>, key: string): ReturnCounts {
  let counts = map.get(key);
  if (!counts) {
    counts = emptyCounts();
    map.set(key, counts);
  }
  return counts;
}

/** The request and CSV of the contract, for the CLI (which reaches contracts through this package). */
export { backtestReportCsv, backtestRequestSchema } from '@wakeflow/contracts';
