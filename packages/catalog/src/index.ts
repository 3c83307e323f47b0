/**
 * The node kinds this installation runs: the built-ins plus every custom kind. The API (palette, validation,
 * publishing) and the worker (execution) both build their catalog here, so they can never disagree.
 * To add a custom node, import its module and append it to `customNodes`.
 */
import { createBuiltinCatalog, type NodeCatalog, type NodeKind } from '@wakeflow/nodes';
import { createServiceCallbackTask, recommendProducts } from '@wakeflow/custom-nodes';

export const customNodes: readonly NodeKind[] = [recommendProducts, createServiceCallbackTask];

export function createCatalog(): NodeCatalog {
  return createBuiltinCatalog(customNodes);
}
export * from './services';
