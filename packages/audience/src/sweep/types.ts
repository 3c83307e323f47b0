/**
 * The contract between the audience sweep workflow, its activities and whoever starts journey runs. Types only,
 * so workflow code can import it.
 */
import type { CustomerEventPayload } from '@wakeflow/journey';

/** Workflow type names, as exported by `workflows/audience-sweep.ts`. */
export const AUDIENCE_SWEEP_WORKFLOW = 'audienceSweep';
export const AUDIENCE_MAINTENANCE_WORKFLOW = 'audienceMaintenance';

/**
 * Starts one journey run. The workflow id is a business key (journey, live version, customer, entry), so calling
 * it twice with the same input starts one run: the second call answers `started: false`.
 * `JourneyRunStarter` of @wakeflow/temporal fits; it should use `entry` in the run id when given, so a page
 * redone after a crash finds the very run it started even if that run has already finished.
 */
export interface RunStarter {
  startRun(input: {
    workspaceId: string;
    journeyId: string;
    customerId: string;
    /** 1 for the customer's first entry into this journey, 2 for the next…: part of the run's id. */
    entry: number;
    entryEvent?: CustomerEventPayload;
    /** The sweep's clock for the page, so the starter's own re-entry check agrees with the sweep's. */
    now?: Date;
  }): Promise<{ started: boolean; workflowId?: string; reason?: string }>;
  /**
   * A page of customers at once, answered in the order asked: from a threshold on they enter through cohort
   * workflows (`JourneyRunStarter.startRuns` of @wakeflow/temporal). Without it the sweep starts them one by one.
   */
  startRuns?(input: {
    workspaceId: string;
    journeyId: string;
    entries: { customerId: string; entry: number }[];
    now?: Date;
  }): Promise<{ started: boolean; workflowId?: string; reason?: string }[]>;
}

/**
 * Answers of `startRun` that mean the customer did NOT enter (e.g. still in an earlier run of the journey): such a
 * customer is neither counted as started nor recorded as an entry. `started: false` without a reason, or with
 * `duplicate`, means this very run already exists (a page redone after a crash) and counts as started.
 */
export const RUN_REFUSALS: readonly string[] = [
  'not_live',
  'already_in_journey',
  'reentry_not_allowed',
  'not_started',
  'ended',
  'entry_cap',
  'hourly_rate',
  'daily_rate',
];

/**
 * Refusals of the journey's launch window and limits (`EntryRefusal` of @wakeflow/journey): nobody after this
 * customer enters in this sweep either, so the sweep ends early; those not reached stay eligible for the next one.
 */
export const ENTRY_LIMIT_REFUSALS: readonly string[] = [
  'not_started',
  'ended',
  'entry_cap',
  'hourly_rate',
  'daily_rate',
];

export interface AudienceSweepInput {
  workspaceId: string;
  journeyId: string;
  /** Identifies this sweep across activity retries; defaults to the sweep workflow's id. */
  sweepKey?: string;
  /** Customers per page (one heartbeat and one progress write per page). */
  pageSize?: number;
  /** How long a silent sweep activity is given before Temporal retries it elsewhere (default 60 s). */
  heartbeatTimeoutMs?: number;
}

export interface SweepProgress {
  sweepId: number;
  status: 'running' | 'completed' | 'skipped' | 'failed';
  /** Why a sweep was skipped, or why it ended early (an entry limit: the rest enter in a later wave). */
  reason?: string;
  /** Customers in the audience paged through. */
  scanned: number;
  /** Of those, customers the re-entry policy lets in now ("newly matching"). */
  matched: number;
  /** Runs started for this sweep (each entering customer once, also when a retried page found its run already started). */
  started: number;
  cursor: string | null;
}

/** What the sweep heartbeats: enough to resume on another worker without redoing or skipping a page. */
export interface SweepHeartbeat {
  sweepId: number;
  cursor: string | null;
  scanned: number;
  matched: number;
  started: number;
}

export interface AudienceSweepActivities {
  runAudienceSweep(input: AudienceSweepInput & { sweepKey: string }): Promise<SweepProgress>;
}

export interface AudienceMaintenanceActivities {
  /** Attaches orphan events whose customer now exists, then recomputes RFM scores and tiers. */
  maintainAudience(input: {
    workspaceId: string;
  }): Promise<{ attachedEvents: number; rfmScored: number; rfmChanged: number }>;
}
