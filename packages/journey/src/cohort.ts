/**
 * The contract of the cohort executor: `cohortRun` carries many customers of one journey version through the plan,
 * one journey-machine state per customer, and does their work in batches (one activity per kind of command due
 * together). Each member is a run like any other — its own `runs` row (with the cohort's workflow id beside its
 * own business key), steps and messages — so the run view, results and measurement see no difference.
 * Types only, so workflow code can import it.
 */
import type { JourneyMachineState, StepRecord } from './machine/journey-machine';
import type { JourneyControl } from './run-names';
import type { CustomerEventPayload, JourneyRunInput, NodeActivityResult, RunContext } from './run';

/** A customer entering through a cohort: the run the starter admitted (its row already exists). */
export interface CohortMember {
  runId: string;
  customerId: string;
  /** The entry number: with the journey, version and customer it is the run's business key. */
  entry: number;
  /** In the journey's holdout (a split's holdout arm is the machine's business). */
  holdout: boolean;
}

/** A member carried across `continueAsNew`: the member, its machine, its timer and its nodes' outputs. */
export interface CarriedCohortMember extends CohortMember {
  machine: JourneyMachineState;
  /** The timer the machine waits for, with its due time (ms since the epoch). */
  timer?: { id: number; dueMs: number };
  /** Outputs of the member's earlier steps (its run context), only when a node wrote any. */
  outputs?: RunContext['steps'];
}

export interface CohortRunInput {
  workspaceId: string;
  journeyId: string;
  version: number;
  plan: JourneyRunInput['plan'];
  forcedArms?: JourneyRunInput['forcedArms'];
  /** Customers entering now. */
  members: CohortMember[];
  /** Members still on their way, from the cohort's previous run (after `continueAsNew`). */
  carried?: CarriedCohortMember[];
  /** Outcomes of members that finished in earlier runs of this cohort, by outcome. */
  finishedBefore?: Record<string, number>;
  /** Workflow runs of this cohort before this one (continued as new). */
  runsBefore?: number;
  /** Continue as new after this many history events (default 8,000, or sooner when Temporal suggests it). */
  historyEventLimit?: number;
}

export interface CohortRunResult {
  /** Members that reached an exit or the goal, by outcome; `failed` and `cancelled` count runs that ended so. */
  outcomes: Record<string, number>;
  /** Workflow runs the cohort took (1 + times it continued as new). */
  runs: number;
}

export interface CohortEventSignal {
  runId: string;
  event: CustomerEventPayload;
}

/** A control for the members named (`runIds`), or for every member when absent (a journey stopped or resumed). */
export interface CohortControlSignal {
  control: JourneyControl;
  runIds?: string[];
}

/** One transaction of run bookkeeping for many members: rows registered, steps recorded, runs finished or ended. */
export interface CohortRecords {
  workspaceId: string;
  journeyId: string;
  version: number;
  cohortWorkflowId: string;
  registered: (CohortMember & { startedAt: string })[];
  steps: (StepRecord & { runId: string })[];
  finished: { runId: string; outcome: string; at: string; lastSeq: number }[];
  ended: { runId: string; status: 'failed' | 'cancelled'; reason: string; at: string }[];
}

/**
 * What a member's run has not had written yet (folded bookkeeping): its registration (when it began) and the steps it
 * entered since its last write, in order. A node batch writes them before the node runs.
 */
export interface CohortMemberRecords {
  /** The run's registration: when it began, and whether it entered in the journey's holdout. */
  registration?: { startedAt: string; holdout: boolean };
  steps: StepRecord[];
}

/** One activity step run for many members at once. */
export interface CohortNodeBatch {
  workspaceId: string;
  journeyId: string;
  version: number;
  cohortWorkflowId: string;
  nodeId: string;
  nodeType: string;
  nodeVersion: number;
  config: Record<string, unknown>;
  priority: number;
  /** The step's own attempt limit: on the last attempt a member still failing gets its error instead of a retry. */
  maximumAttempts: number;
  /** Members whose node runs at once (the workflow sizes the batch's timeout by it). */
  concurrency: number;
  members: (CohortMember & {
    holdout: boolean;
    at: string;
    context: RunContext;
    records?: CohortMemberRecords;
  })[];
}

/** A member's answer: the node's result, or why the member's run fails (as a per-customer run would). */
export type CohortNodeAnswer = { result: NodeActivityResult } | { error: string };

export interface CohortActivities {
  recordCohort(records: CohortRecords): Promise<void>;
  executeCohortNode(batch: CohortNodeBatch): Promise<CohortNodeAnswer[]>;
  /** `nextLocalTime` for many members: answers in the order asked. */
  cohortLocalTimes(input: {
    workspaceId: string;
    requests: { customerId: string; after: string; time: string; weekdays: number[] }[];
  }): Promise<string[]>;
}
