/**
 * What the worker hands to node activities: the ports every kind may use (`NodePorts`) and, for the kinds in
 * packages/channels not yet moved to ports (webhook, coupon_offer), the database handle. Worker-side only.
 */
import { z } from 'zod';
import type { Database } from '@wakeflow/db';
import { defineNode as defineNodeSpec, type NodeDefinition, type NodeKind } from '../define-node';
import type { NodePorts } from '../ports';

export interface NodeServices extends NodePorts {
  /** Only for kinds defined with this module's `defineNode`; kinds on ports never see it. */
  db: Database;
}

/**
 * `defineNode()` for a worker-side kind whose activity still needs the database handle. New kinds use
 * `defineNode` from `@wakeflow/nodes/spec`, whose activities get ports only and which the editor can import.
 */
export function defineNode<S extends z.ZodType>(
  definition: NodeDefinition<S, NodeServices>,
): NodeKind<S, NodeServices> {
  return defineNodeSpec(definition);
}
