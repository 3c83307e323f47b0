/** A problem with a journey, addressed so the editor can put it on the right step and field. */
import type { z } from 'zod';

export type ProblemCode =
  | 'invalid_graph'
  | 'no_trigger'
  | 'multiple_triggers'
  | 'unknown_node_type'
  | 'invalid_config'
  | 'duplicate_node_id'
  | 'unknown_edge_endpoint'
  | 'unknown_outcome'
  | 'duplicate_edge'
  | 'dangling_outcome'
  | 'edge_into_trigger'
  | 'edge_from_exit'
  | 'unreachable'
  | 'cycle'
  | 'unknown_template'
  | 'unknown_segment'
  | 'unknown_coupon_pool'
  | 'invalid_settings';

export interface Problem {
  code: ProblemCode;
  /** The step the problem is on, when there is one. */
  nodeId?: string;
  /** Field path, e.g. `config.duration.amount` or `edges.3.target`. */
  path: string;
  message: string;
}

export function pathToString(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join('.');
}

export function problemsFromZod(
  error: z.ZodError,
  code: ProblemCode,
  prefix: readonly PropertyKey[],
  nodeId?: string,
): Problem[] {
  return error.issues.map((issue) => ({
    code,
    ...(nodeId === undefined ? {} : { nodeId }),
    path: pathToString([...prefix, ...issue.path]),
    message: issue.message,
  }));
}

export class JourneyInvalidError extends Error {
  constructor(readonly problems: Problem[]) {
    super(
      `The journey has ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems[0]?.message ?? ''}`,
    );
    this.name = 'JourneyInvalidError';
  }
}
