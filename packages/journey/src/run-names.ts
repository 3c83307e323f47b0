/**
 * The names a journey run answers to in Temporal: its workflow type, the signal that brings a customer's events and
 * the query for its state. Apart from run.ts (which loads zod) so workflow code can import them cheaply.
 */
export const JOURNEY_RUN_WORKFLOW = 'journeyRun';
export const CUSTOMER_EVENT_SIGNAL = 'customerEvent';
export const RUN_STATE_QUERY = 'runState';
