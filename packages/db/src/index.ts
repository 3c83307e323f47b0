export * from './client';
export * from './app-role';
export * from './migrate';
export * as schema from './schema/index';
export * from './schema/index';
export * from './queries/runs';
export * from './queries/journeys';
export * from './queries/event-outbox';
export * from './outage';
