export * from './journey-bench';
