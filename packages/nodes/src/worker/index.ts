/**
 * `@wakeflow/nodes`: the node kinds for the API and the worker — everything in `./spec` (browser-safe) plus the
 * worker-side adapters of the ports, journey templates
 * and the plan compatibility check.
 */
export * from '../catalog';
export {
  type ActivityExecution,
  type DraftConfig,
  type NameLookups,
  type NodeDefinition,
  type NodeKind,
  type NodeRunInput,
  type PaletteCategory,
  type PaletteInfo,
  type StoredConfigResult,
} from '../define-node';
export * from '../ports';
export * from '../words';
export * from '../builtin-kinds';
export { sendWindowSchema } from '../kinds/send';
export * from '../templates';
export * from '../compatibility';
export { createCustomerStore } from './customer-store';
