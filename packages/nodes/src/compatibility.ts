/**
 * Whether a published plan still runs on this installation's catalog. Plans are immutable and carry the node
 * versions and configs they were compiled against; a node author who changes a config schema in a breaking way
 * would otherwise only find out when a customer's run reaches that step (the worker refuses it then). Run this
 * over live plans before deploying a catalog change — in a test, at worker start, or from an admin endpoint.
 */
import type { Plan } from '@wakeflow/journey';
import type { NodeCatalog } from './catalog';

export type PlanIncompatibilityCode = 'unknown_node_type' | 'node_version_too_new' | 'config_incompatible';

export interface PlanIncompatibility {
  code: PlanIncompatibilityCode;
  stepId: string;
  nodeType: string;
  /** The kind's version the plan was compiled against. */
  planVersion: number;
  /** The catalog's version of the kind, null when the catalog does not have it. */
  catalogVersion: number | null;
  /** Field path inside the step's config, for `config_incompatible`. */
  path?: string;
  message: string;
}

type CheckedPlan = Pick<Plan, 'steps' | 'trigger' | 'nodeVersions'>;

/**
 * Every step whose kind is missing, older than the plan needs, or whose stored config the current kind no longer
 * accepts (after its `migrateConfig`). Only activity steps and the trigger keep a config in the plan; interpreter
 * steps (delay, wait, split, exit) are compiled to self-contained instructions, so for them only the kind is checked.
 */
export function checkPlanCompatibility(
  plan: CheckedPlan,
  catalog: Pick<NodeCatalog, 'get'>,
): PlanIncompatibility[] {
  const problems: PlanIncompatibility[] = [];
  for (const step of Object.values(plan.steps).sort((a, b) => a.id.localeCompare(b.id))) {
    const planVersion = step.op === 'activity' ? step.nodeVersion : (plan.nodeVersions[step.type] ?? 1);
    const where = `Step ${step.id}${step.name ? ` (“${step.name}”)` : ''}`;
    const kind = catalog.get(step.type);
    if (!kind) {
      problems.push({
        code: 'unknown_node_type',
        stepId: step.id,
        nodeType: step.type,
        planVersion,
        catalogVersion: null,
        message: `${where} uses node kind “${step.type}” v${planVersion}, which this catalog does not have: register it again or move runs off the plan`,
      });
      continue;
    }
    if (kind.version < planVersion) {
      problems.push({
        code: 'node_version_too_new',
        stepId: step.id,
        nodeType: step.type,
        planVersion,
        catalogVersion: kind.version,
        message: `${where} needs “${step.type}” v${planVersion}, but this catalog has v${kind.version}: deploy the newer node before the plan`,
      });
      continue;
    }
    const config =
      step.op === 'activity'
        ? step.config
        : step.op === 'entry' && plan.trigger.nodeId === step.id
          ? plan.trigger.config
          : undefined;
    if (config === undefined) continue;
    const read = kind.readStoredConfig(config, planVersion);
    if (!read.success) {
      const cause =
        kind.version === planVersion
          ? `the schema of v${kind.version} changed without a version bump`
          : `v${kind.version} does not accept it${kind.definition.migrateConfig ? ' even after migrateConfig' : ' and has no migrateConfig'}`;
      problems.push({
        code: 'config_incompatible',
        stepId: step.id,
        nodeType: step.type,
        planVersion,
        catalogVersion: kind.version,
        path: read.path,
        message: `${where}: its “${step.type}” v${planVersion} config no longer parses — ${read.path ? `${read.path}: ` : ''}${read.message} (${cause})`,
      });
    }
  }
  return problems;
}
