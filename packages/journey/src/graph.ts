/**
 * The journey graph as the editor saves it: nodes with a kind and a config, and edges that leave a node by one of
 * its named outcomes. Positions are not stored: layout is a pure function of the graph.
 */
import { z } from 'zod';

export const nodeIdSchema = z
  .string()
  .min(1, 'A step needs an id')
  .max(64, 'Step ids are at most 64 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'Step ids use letters, digits, _ and - only');

export const graphNodeSchema = z.object({
  id: nodeIdSchema,
  /** Node kind from the catalog, e.g. `send` or a custom `recommend_products`. */
  type: z.string().min(1, 'A step needs a kind'),
  /** Optional name shown on the canvas instead of the generated description. */
  name: z.string().max(120).optional(),
  config: z.record(z.string(), z.unknown()).default({}),
});
export type GraphNode = z.infer<typeof graphNodeSchema>;

export const graphEdgeSchema = z.object({
  source: nodeIdSchema,
  /** Which outcome of the source this edge follows: `next` for single-exit steps, `yes`/`no`, an arm name… */
  outcome: z.string().min(1).default('next'),
  target: nodeIdSchema,
});
export type GraphEdge = z.infer<typeof graphEdgeSchema>;

export const journeyGraphSchema = z.object({
  nodes: z.array(graphNodeSchema).max(2000, 'A journey has at most 2000 steps'),
  edges: z.array(graphEdgeSchema),
});
export type JourneyGraph = z.infer<typeof journeyGraphSchema>;
export type JourneyGraphInput = z.input<typeof journeyGraphSchema>;

export function edgeId(edge: Pick<GraphEdge, 'source' | 'outcome'>): string {
  return `${edge.source}:${edge.outcome}`;
}
