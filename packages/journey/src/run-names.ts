/**
 * The names a journey run answers to in Temporal: its workflow type, the signal that brings a customer's events and
 * the query for its state. Apart from run.ts (which loads zod) so workflow code can import them cheaply.
 */
export const JOURNEY_RUN_WORKFLOW = 'journeyRun';
export const CUSTOMER_EVENT_SIGNAL = 'customerEvent';
export const RUN_STATE_QUERY = 'runState';
/** Operator control of a run in flight: stop or remove it, or wake it when its paused journey resumes. */
export const JOURNEY_CONTROL_SIGNAL = 'journeyControl';

/**
 * What the journey control signal says. `end` ends the run with `outcome` at its next step (at once while it
 * sleeps, waits or is held), without sending; `resume` runs a step held by a pause now rather than at its next look.
 */
export type JourneyControl = { action: 'end'; outcome: 'stopped' | 'removed' } | { action: 'resume' };

/** The cohort executor: one workflow carrying many customers of one journey version (see docs/scale.md). */
export const COHORT_RUN_WORKFLOW = 'cohortRun';
/** An event for one member of a cohort: the customer's event, addressed by the member's run id. */
export const COHORT_EVENT_SIGNAL = 'cohortEvent';
/** An operator control for every member of a cohort, or for the members named by run id. */
export const COHORT_CONTROL_SIGNAL = 'cohortControl';
/** A member's run state, asked of its cohort with the member's run id. */
export const COHORT_RUN_STATE_QUERY = 'cohortRunState';
