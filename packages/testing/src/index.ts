export * from './journey-bench';
export * from './histories';
export * from './eventually';
export * from './smtp-sink';
