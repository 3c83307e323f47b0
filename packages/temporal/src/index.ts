export * from './connection';
export * from './event-router';
export * from './run-starter';
export * from './run-reconciler';
export * from './interval-schedule';
export * from './replay';
export * from './worker/create-worker';
export * from './worker/journey-activities';
