/**
 * The contract between whoever starts a journey run, the `journeyRun` workflow and its activities: ids, input,
 * signals and the activity interface. Types only and pure helpers, so workflow code may import it.
 */
import { z } from 'zod';
import { stableBucket } from './canonical-json';
import { planSchema, type Plan } from './plan';

export const TASK_QUEUE_PREFIX = 'wakeflow';

/** One task queue per workspace, so a workspace's load and workers can be separated. */
export function journeyTaskQueue(workspaceId: string): string {
  return `${TASK_QUEUE_PREFIX}-${workspaceId}`;
}

export interface RunKey {
  workspaceId: string;
  journeyId: string;
  version: number;
  customerId: string;
  /** 1 for the first entry of this customer into this journey, 2 for the next… */
  entry: number;
}

/** A business key: the same trigger repeated can never start a second run. */
export function journeyRunWorkflowId(key: RunKey): string {
  return `journey/${key.workspaceId}/${key.journeyId}/v${key.version}/${key.customerId}/${key.entry}`;
}

/** Journey-level holdout: the same customer is always in or out of the control group of a journey. */
export function isInHoldout(journeyId: string, customerId: string, holdoutPercent: number): boolean {
  return holdoutPercent > 0 && stableBucket(`holdout:${journeyId}:${customerId}`) < holdoutPercent;
}

export const customerEventSchema = z.object({
  eventId: z.string(),
  name: z.string(),
  properties: z.record(z.string(), z.unknown()),
  occurredAt: z.string(),
});
export type CustomerEventPayload = z.infer<typeof customerEventSchema>;

export const journeyRunInputSchema = z.object({
  runId: z.string(),
  workspaceId: z.string(),
  journeyId: z.string(),
  version: z.number().int().positive(),
  customerId: z.string(),
  entry: z.number().int().positive(),
  plan: planSchema,
  entryEvent: customerEventSchema.optional(),
  holdout: z.boolean(),
  /**
   * Experiment winners decided before this run started, by split step id: the split sends the run to that arm
   * instead of drawing one (holdout arms keep their share). Input, so replays decide the same way.
   */
  forcedArms: z.record(z.string(), z.string()).optional(),
});
export type JourneyRunInput = z.infer<typeof journeyRunInputSchema>;

export interface JourneyRunResult {
  outcome: string;
  path: string[];
}

/** What a step's activity returns: which way to go, and what to remember for later steps and templates. */
export interface NodeActivityResult {
  outcome: string;
  output?: Record<string, unknown>;
  /**
   * "Not now, ask again at this time" (quiet hours, caps, rate limits): the workflow sleeps on a durable timer and
   * runs the step again; `outcome` is ignored.
   */
  retryAt?: string;
  /** The `retryAt` is a hold of a paused (or stopped) journey: a resume runs the step again at once. */
  held?: boolean;
}

export interface RunStepRecord {
  runId: string;
  workspaceId: string;
  nodeId: string;
  /** 0 for the trigger, then +1 per step. */
  seq: number;
  /** Workflow time, so recorded times are the virtual times in tests and replays. */
  at: string;
  /** Outcome of the previous step (`seq - 1`), recorded when this one is entered. */
  previousOutcome?: string;
  /** Set when the previous step was a random split: the arm taken (holdout arms put the run in the control group). */
  splitArm?: { stepId: string; arm: string; holdout: boolean };
}

export interface RunContext {
  /** Workflow time the customer entered the journey. */
  enteredAt: string;
  entry?: CustomerEventPayload;
  /** Outputs of earlier steps by step id. */
  steps: Record<string, Record<string, unknown>>;
}

export interface ExecuteNodeInput {
  runId: string;
  workflowId: string;
  workspaceId: string;
  journeyId: string;
  version: number;
  customerId: string;
  nodeId: string;
  nodeType: string;
  nodeVersion: number;
  config: Record<string, unknown>;
  holdout: boolean;
  /** Journey priority from the plan's settings. */
  priority: number;
  context: RunContext;
  /** Workflow time when the step began. */
  at: string;
  /** The run's bookkeeping since its last write (its registration, the steps that led here and this one). */
  records?: PendingRunRecords;
}

/** Activities the interpreter calls. Implemented by the worker; the workflow imports this type only. */
export interface RunRegistration {
  runId: string;
  workspaceId: string;
  workflowId: string;
  journeyId: string;
  version: number;
  customerId: string;
  entry: number;
  holdout: boolean;
  startedAt: string;
}

/**
 * Run bookkeeping a run has not written yet. Runs buffer it and hand it to their next activity (a node's, or the
 * finish), which writes it in one transaction, keyed by run + seq so a retried activity writes nothing twice.
 */
export interface PendingRunRecords {
  /** Only in a run's first write. */
  registration?: Omit<RunRegistration, 'runId' | 'workspaceId'>;
  /** Steps entered since the last write, in order. */
  steps: Omit<RunStepRecord, 'runId' | 'workspaceId'>[];
}

/**
 * Every status a run can have, the one list the schema, the API and the web app use. `running` is the only open
 * one; `completed` ends at an exit or the goal; `failed` and `cancelled` are recorded by the run itself;
 * `terminated` and `timed_out` (and runs whose workflow no longer exists) by the run reconciler.
 */
export const RUN_STATUSES = [
  'running',
  'completed',
  'failed',
  'cancelled',
  'terminated',
  'timed_out',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface JourneyActivities {
  /** Creates the run's row (idempotent): the workflow id, not the row, is what prevents duplicate runs. */
  registerRun(run: RunRegistration): Promise<void>;
  recordStep(record: RunStepRecord): Promise<void>;
  finishRun(input: {
    runId: string;
    workspaceId: string;
    outcome: string;
    at: string;
    lastSeq: number;
  }): Promise<void>;
  /** Records a run that ended without reaching an exit (it failed or was cancelled), keeping the step it was at. */
  endRun(input: {
    runId: string;
    workspaceId: string;
    status: 'failed' | 'cancelled';
    reason: string;
    at: string;
    /** What the run had not written yet, written first. */
    records?: PendingRunRecords;
  }): Promise<void>;
  /**
   * Writes a run's buffered bookkeeping and, with `finish`, its end, in one transaction. A local activity: before a
   * long timer (so a waiting run shows where it waits) and at the finish.
   */
  recordRun(input: {
    runId: string;
    workspaceId: string;
    records: PendingRunRecords;
    finish?: { outcome: string; at: string; lastSeq: number };
  }): Promise<void>;
  executeNode(input: ExecuteNodeInput): Promise<NodeActivityResult>;
  /** Next time, after `after`, that is `time` on one of `weekdays` in the customer's timezone. */
  nextLocalTime(input: {
    workspaceId: string;
    customerId: string;
    after: string;
    time: string;
    weekdays: number[];
  }): Promise<string>;
}

export {
  COHORT_CONTROL_SIGNAL,
  COHORT_EVENT_SIGNAL,
  COHORT_RUN_STATE_QUERY,
  COHORT_RUN_WORKFLOW,
  CUSTOMER_EVENT_SIGNAL,
  JOURNEY_CONTROL_SIGNAL,
  JOURNEY_RUN_WORKFLOW,
  RUN_STATE_QUERY,
  type JourneyControl,
} from './run-names';

export interface RunState {
  currentStepId: string | null;
  waitingFor: { kind: 'sleep' | 'event'; until: string; events?: string[] } | null;
  path: string[];
  receivedEvents: { eventId: string; name: string; at: string }[];
}

export type { Plan };
