/** `@wakeflow/catalog`: the use cases the apps wire, and this installation's composition (./installation.ts). */
export * from './installation';
export * from './event-outbox';
export * from './event-pipeline';
export * from './maintenance';
export * from './services';
export * from './backtest/backtest';
export * from './backtest/report';
export * from './backtest/run-tracker';
