/**
 * Example custom node kinds, registered in @wakeflow/catalog like any installation's own nodes: product
 * recommendations by collaborative filtering and callback tasks for the service team. `tagBySpend` is the worked
 * example of docs/custom-nodes.md and is deliberately not registered.
 */
export * from './collaborative-filtering';
export * from './recommend-products';
export * from './service-callback-task';
export { tagBySpend } from './guide-example';
