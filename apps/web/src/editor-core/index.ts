/** The editor's logic, pure and DOM-free: React components render its results and dispatch its actions. */
export * from './catalog';
export * from './clipboard';
export * from './describe';
export * from './diff';
export * from './draft-settings';
export * from './editor';
export * from './flow';
export * from './flow-identity';
export * from './graph-ops';
export * from './history';
export * from './installed-kinds';
export * from './layout';
export * from './navigation';
export * from './problem-words';
export * from './shortcuts';
export * from './starters';
export * from './viewport';
