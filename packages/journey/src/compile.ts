/** Compiles a valid journey graph into an immutable, content-hashed plan. */
import type { NodeCatalogView } from './catalog';
import { canonicalJson, sha256Hex } from './canonical-json';
import { PLAN_SCHEMA_VERSION, type Plan, type PlanStep } from './plan';
import { JourneyInvalidError } from './problems';
import { journeySettingsSchema } from './settings';
import { type ValidationContext, validateJourney } from './validate';

export function compileJourney(
  graph: unknown,
  settings: unknown,
  catalog: NodeCatalogView,
  context: ValidationContext = {},
): Plan {
  const validation = validateJourney(graph, catalog, context, settings ?? {});
  if (validation.problems.length > 0 || validation.triggerId === undefined) {
    throw new JourneyInvalidError(validation.problems);
  }
  const steps: Record<string, PlanStep> = {};
  const nodeVersions: Record<string, number> = {};
  // Steps in id order so the hash does not depend on the order the editor saved them in.
  const ids = [...validation.nodes.keys()].sort();
  for (const id of ids) {
    const v = validation.nodes.get(id)!;
    nodeVersions[v.spec.type] = v.spec.version;
    const next = Object.fromEntries(validation.next.get(id) ?? new Map<string, string>());
    steps[id] = {
      id,
      type: v.spec.type,
      ...(v.node.name ? { name: v.node.name } : {}),
      next,
      ...v.spec.toPlanOp(v.config),
    };
  }
  const trigger = validation.nodes.get(validation.triggerId)!;
  const body = {
    schemaVersion: PLAN_SCHEMA_VERSION,
    entryStepId: validation.triggerId,
    trigger: {
      nodeId: trigger.node.id,
      type: trigger.spec.type,
      config: trigger.config as Record<string, unknown>,
    },
    steps,
    settings: journeySettingsSchema.parse(settings ?? {}),
    nodeVersions,
  } satisfies Omit<Plan, 'hash'>;
  return Object.freeze({ ...body, hash: sha256Hex(canonicalJson(body)) });
}
