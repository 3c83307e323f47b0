export * from './journey-bench';
export * from './histories';
