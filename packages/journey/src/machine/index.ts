/**
 * `@wakeflow/journey/machine`: the journey machine and what workflow code needs at run time, without zod. Workflow
 * code imports this subpath only (types may come from the package index with `import type`): the Temporal SDK
 * evaluates a workflow's imports again for every run it keeps cached.
 */
export * from './journey-machine';
export * from './virtual-run';
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
} from '../run-names';
export { matchesFilters } from '../property-match';
export { stableBucket } from '../canonical-json';
