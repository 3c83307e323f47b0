/**
 * What the domain core needs to know about a node kind to validate and compile a graph. Implemented by
 * `defineNode()` in @wakeflow/nodes; kept here as an interface so the core stays free of I/O.
 */
import type { z } from 'zod';
import type { PlanOp } from './plan';

export type NodeRole = 'trigger' | 'step' | 'exit';

/** Ids a node refers to, checked against what exists in the workspace. */
export interface NodeReferences {
  templateIds?: string[];
  segmentIds?: string[];
  couponPoolIds?: string[];
  events?: string[];
}

export interface NodeKindSpec {
  type: string;
  version: number;
  role: NodeRole;
  configSchema: z.ZodType;
  /** Named ways out of the step, in display order (`next`, `yes`/`no`, arm names…). Exits have none. */
  outcomes(config: unknown): string[];
  /** The plan instruction for a valid config. */
  toPlanOp(config: unknown): PlanOp;
  references?(config: unknown): NodeReferences;
}

export interface NodeCatalogView {
  get(type: string): NodeKindSpec | undefined;
}
