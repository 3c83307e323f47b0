/**
 * @wakeflow/audience: customers, events and audiences — ingest, derived facts (rollups, RFM, tiers, dormancy),
 * segments compiled to SQL, the branch-step condition evaluator, and audience sweeps into journeys.
 * Its workflows live in the top-level workflows/ package, which imports only types from here.
 */
export * from './settings';
export * from './ingest/events';
export * from './ingest/amounts';
export * from './ingest/customers';
export * from './ingest/csv';
export * from './facts/dormancy';
export * from './facts/rfm';
export * from './facts/rebuild';
export * from './facts/rebuild-types';
export * from './facts/rebuild-workflow';
export * from './segments/fields';
export * from './segments/compile';
export * from './segments/check';
export * from './segments/query';
export * from './segments/store';
export * from './segments/evaluator';
export * from './sweep/types';
export * from './sweep/reentry';
export * from './sweep/activities';
export * from './sweep/schedule';
export * from './sweep/reconcile';
export * from './customers/profile';
export * from './customers/dormancy-overview';
export * from './customers/dormancy-history';
export * from './journey-templates';
export * from './backtest/fact-deltas';
export * from './backtest/as-of-audience';
