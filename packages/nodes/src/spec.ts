/**
 * `@wakeflow/nodes/spec`: the browser-safe half of the node package — `defineNode`, the ports activities get, the
 * built-in kinds and the catalog. No database, no Temporal: the editor imports it to draw lanes, words and forms
 * from the same definitions the worker runs.
 */
export * from './catalog';
export * from './define-node';
export * from './ports';
export * from './words';
export * from './builtin-kinds';
export { sendWindowSchema } from './kinds/send';
