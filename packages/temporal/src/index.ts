export * from './connection';
export * from './event-router';
export * from './run-starter';
export * from './replay';
