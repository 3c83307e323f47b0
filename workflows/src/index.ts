/** Every workflow the worker registers. Workflow code imports only @temporalio/workflow and pure packages. */
export { journeyRun, customerEventSignal, runStateQuery } from './journey-run';
export { audienceSweep, audienceMaintenance } from './audience-sweep';
export { audienceFactsRebuild } from './facts-rebuild';
export { analyticsMaintenance } from './analytics-maintenance';
export type { AnalyticsJob, AnalyticsMaintenanceActivities } from './analytics-maintenance';
export { runReconciliation } from './run-reconciliation';
export type { RunReconciliationActivities } from './run-reconciliation';
export { cohortRun, cohortEventSignal, cohortControlSignal, cohortRunStateQuery } from './cohort-run';
