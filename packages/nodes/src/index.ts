export * from './catalog';
export * from './define-node';
export * from './services';
export * from './templates';
export { apiTrigger, audienceTrigger, eventTrigger } from './builtin/triggers';
export { delay, exit, split, waitForEvent } from './builtin/flow';
export { branch, send, updateCustomer } from './builtin/actions';
export * from './compatibility';
