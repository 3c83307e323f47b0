/**
 * The ports the example custom kinds need beyond the standard ones: the purchase history for recommendations and
 * the service team's task queue. Interfaces only, so the kinds stay browser-safe; the worker's implementations
 * are in `adapters.ts` (`@wakeflow/custom-nodes/adapters`).
 */
import type { NodePorts } from '@wakeflow/nodes/spec';

export interface PurchaseQuery {
  workspaceId: string;
  customerId: string;
  /** Event name that means "bought", e.g. `purchase`. */
  event: string;
  /** Event property that names the product, e.g. `productId` or `sku`. */
  productProperty: string;
  /** Only events at or before this time (the step's workflow time) … */
  until: Date;
  /** … and after this one, when a lookback window is configured. */
  since?: Date;
}

export interface PurchaseRow {
  customerId: string;
  productId: string;
  purchases: number;
}

export interface PurchaseHistory {
  /** The customer's row and the rows of every customer who bought at least one of the same products. */
  neighbourhood(query: PurchaseQuery): Promise<PurchaseRow[]>;
  /** The `limit` products bought by the most customers, and how many customers bought anything. */
  popularity(
    query: Omit<PurchaseQuery, 'customerId'>,
    limit: number,
  ): Promise<{ products: { productId: string; buyers: number }[]; totalBuyers: number }>;
}

export const serviceTaskPriorities = ['low', 'normal', 'high', 'urgent'] as const;
export type ServiceTaskPriority = (typeof serviceTaskPriorities)[number];

export interface ServiceTaskRequest {
  workspaceId: string;
  customerId: string;
  runId: string;
  journeyId: string;
  nodeId: string;
  reason: string;
  priority: ServiceTaskPriority;
  dueAt: Date;
}

export interface ServiceTaskQueue {
  /** Exactly one task per run and step, however often it is called. */
  createOnce(task: ServiceTaskRequest): Promise<{ id: string; dueAt: Date }>;
}

export interface CustomNodePorts extends NodePorts {
  purchases: PurchaseHistory;
  serviceTasks: ServiceTaskQueue;
}
