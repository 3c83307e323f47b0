/**
 * `@wakeflow/custom-nodes/adapters`: the worker's implementations of the ports the example kinds declare
 * (`ports.ts`). Worker-side only: they use the database, the kinds never do.
 */
import type { Database } from '@wakeflow/db';
import { createPurchaseHistory } from './purchase-matrix';
import { createServiceTaskQueue } from './service-task-queue';
import type { PurchaseHistory, ServiceTaskQueue } from '../ports';

export { createPurchaseHistory, loadNeighbourhood, loadPopularity } from './purchase-matrix';
export { createServiceTaskQueue } from './service-task-queue';

export function createCustomNodeAdapters(db: Database): {
  purchases: PurchaseHistory;
  serviceTasks: ServiceTaskQueue;
} {
  return { purchases: createPurchaseHistory(db), serviceTasks: createServiceTaskQueue(db) };
}
