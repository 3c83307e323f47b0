/**
 * Example custom node kinds, browser-safe (their activities get ports, never the database): product
 * recommendations by collaborative filtering and callback tasks for the service team. `customNodeKinds` is the
 * one registration — the API, the worker and the editor all read it. `tagBySpend` is the worked example of
 * docs/custom-nodes.md and is deliberately not registered. The ports' database implementations are in
 * `@wakeflow/custom-nodes/adapters`.
 */
import type { NodeKind } from '@wakeflow/nodes/spec';
import { createServiceCallbackTask } from './service-callback-task';
import { recommendProducts } from './recommend-products';

export * from './collaborative-filtering';
export * from './ports';
export * from './recommend-products';
export * from './service-callback-task';
export { tagBySpend } from './guide-example';

/** Register a custom kind here (one line): the installation's catalog and the editor both take this list. */
export const customNodeKinds: readonly NodeKind[] = [recommendProducts, createServiceCallbackTask];
