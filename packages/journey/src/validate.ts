/**
 * Checks a journey graph and returns every problem at once, each pointing at a step and field, in words a
 * campaign manager understands. Compilation refuses any graph with problems.
 */
import type { NodeCatalogView, NodeKindSpec } from './catalog';
import { journeyGraphSchema, type GraphNode, type JourneyGraph } from './graph';
import { type Problem, problemsFromZod } from './problems';
import { journeySettingsSchema } from './settings';

/** What exists in the workspace, for reference checks. Omit a set to skip that check. */
export interface ValidationContext {
  templateIds?: ReadonlySet<string>;
  segmentIds?: ReadonlySet<string>;
  couponPoolIds?: ReadonlySet<string>;
}

export interface ValidatedNode {
  node: GraphNode;
  spec: NodeKindSpec;
  config: unknown;
  outcomes: string[];
}

export interface ValidationResult {
  problems: Problem[];
  graph?: JourneyGraph;
  nodes: Map<string, ValidatedNode>;
  /** Outgoing edges by source, then outcome → target. */
  next: Map<string, Map<string, string>>;
  triggerId?: string;
}

function label(node: GraphNode): string {
  return node.name ? `“${node.name}”` : `step ${node.id}`;
}

export function validateJourney(
  input: unknown,
  catalog: NodeCatalogView,
  context: ValidationContext = {},
  settings?: unknown,
): ValidationResult {
  const result: ValidationResult = { problems: [], nodes: new Map(), next: new Map() };
  const problems = result.problems;

  if (settings !== undefined) {
    const parsedSettings = journeySettingsSchema.safeParse(settings);
    if (!parsedSettings.success)
      problems.push(...problemsFromZod(parsedSettings.error, 'invalid_settings', ['settings']));
  }

  const parsed = journeyGraphSchema.safeParse(input);
  if (!parsed.success) {
    problems.push(...problemsFromZod(parsed.error, 'invalid_graph', []));
    return result;
  }
  const graph = parsed.data;
  result.graph = graph;

  const byId = new Map<string, GraphNode>();
  graph.nodes.forEach((node, index) => {
    if (byId.has(node.id)) {
      problems.push({
        code: 'duplicate_node_id',
        nodeId: node.id,
        path: `nodes.${index}.id`,
        message: `Two steps share the id ${node.id}`,
      });
      return;
    }
    byId.set(node.id, node);
    const spec = catalog.get(node.type);
    if (!spec) {
      problems.push({
        code: 'unknown_node_type',
        nodeId: node.id,
        path: 'type',
        message: `${label(node)} is of kind “${node.type}”, which this workspace does not have`,
      });
      return;
    }
    const config = spec.configSchema.safeParse(node.config);
    if (!config.success) {
      problems.push(...problemsFromZod(config.error, 'invalid_config', ['config'], node.id));
      return;
    }
    const validated: ValidatedNode = {
      node,
      spec,
      config: config.data,
      outcomes: spec.outcomes(config.data),
    };
    result.nodes.set(node.id, validated);
    const refs = spec.references?.(config.data);
    for (const templateId of refs?.templateIds ?? []) {
      if (context.templateIds && !context.templateIds.has(templateId)) {
        problems.push({
          code: 'unknown_template',
          nodeId: node.id,
          path: 'config.templateId',
          message: `Template “${templateId}” does not exist`,
        });
      }
    }
    for (const segmentId of refs?.segmentIds ?? []) {
      if (context.segmentIds && !context.segmentIds.has(segmentId)) {
        problems.push({
          code: 'unknown_segment',
          nodeId: node.id,
          path: 'config.segmentId',
          message: `Segment “${segmentId}” does not exist`,
        });
      }
    }
    for (const poolId of refs?.couponPoolIds ?? []) {
      if (context.couponPoolIds && !context.couponPoolIds.has(poolId)) {
        problems.push({
          code: 'unknown_coupon_pool',
          nodeId: node.id,
          path: 'config.offers',
          message: `Coupon pool “${poolId}” does not exist`,
        });
      }
    }
  });

  const triggers = [...result.nodes.values()].filter((n) => n.spec.role === 'trigger');
  const triggerLike = graph.nodes.filter((n) => catalog.get(n.type)?.role === 'trigger');
  if (triggerLike.length === 0) {
    problems.push({
      code: 'no_trigger',
      path: 'nodes',
      message: 'Add a trigger: the journey needs a way for customers to enter',
    });
  } else if (triggerLike.length > 1) {
    for (const t of triggerLike.slice(1)) {
      problems.push({
        code: 'multiple_triggers',
        nodeId: t.id,
        path: 'type',
        message: 'A journey has exactly one trigger; remove this one',
      });
    }
  }
  result.triggerId = triggers[0]?.node.id ?? triggerLike[0]?.id;

  graph.edges.forEach((edge, index) => {
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    if (!source || !target) {
      problems.push({
        code: 'unknown_edge_endpoint',
        ...(source ? { nodeId: source.id } : {}),
        path: `edges.${index}.${source ? 'target' : 'source'}`,
        message: `A connection points at step ${source ? edge.target : edge.source}, which does not exist`,
      });
      return;
    }
    if (catalog.get(target.type)?.role === 'trigger') {
      problems.push({
        code: 'edge_into_trigger',
        nodeId: target.id,
        path: `edges.${index}.target`,
        message: 'Nothing can lead back into the trigger',
      });
    }
    const validated = result.nodes.get(source.id);
    if (catalog.get(source.type)?.role === 'exit') {
      problems.push({
        code: 'edge_from_exit',
        nodeId: source.id,
        path: `edges.${index}.source`,
        message: `${label(source)} ends the journey; nothing can follow it`,
      });
      return;
    }
    if (validated && !validated.outcomes.includes(edge.outcome)) {
      problems.push({
        code: 'unknown_outcome',
        nodeId: source.id,
        path: `edges.${index}.outcome`,
        message: `${label(source)} has no “${edge.outcome}” path (it has: ${validated.outcomes.join(', ') || 'none'})`,
      });
      return;
    }
    const outgoing = result.next.get(source.id) ?? new Map<string, string>();
    if (outgoing.has(edge.outcome)) {
      problems.push({
        code: 'duplicate_edge',
        nodeId: source.id,
        path: `edges.${index}`,
        message: `The “${edge.outcome}” path of ${label(source)} is connected twice`,
      });
      return;
    }
    outgoing.set(edge.outcome, edge.target);
    result.next.set(source.id, outgoing);
  });

  for (const v of result.nodes.values()) {
    const outgoing = result.next.get(v.node.id);
    for (const outcome of v.outcomes) {
      if (!outgoing?.has(outcome)) {
        problems.push({
          code: 'dangling_outcome',
          nodeId: v.node.id,
          path: `outcomes.${outcome}`,
          message:
            v.outcomes.length === 1
              ? `${label(v.node)} leads nowhere: add a next step or an exit`
              : `The “${outcome}” path of ${label(v.node)} leads nowhere: add a next step or an exit`,
        });
      }
    }
  }

  // Reachability and cycles in one depth-first walk from the trigger.
  const triggerId = result.triggerId;
  if (triggerId !== undefined) {
    const state = new Map<string, 'visiting' | 'done'>();
    const reportedCycles = new Set<string>();
    const visit = (id: string): void => {
      state.set(id, 'visiting');
      for (const target of result.next.get(id)?.values() ?? []) {
        const s = state.get(target);
        if (s === 'visiting') {
          if (!reportedCycles.has(target)) {
            reportedCycles.add(target);
            const node = byId.get(target);
            problems.push({
              code: 'cycle',
              nodeId: target,
              path: 'edges',
              message: `The journey loops back to ${node ? label(node) : target}; journeys cannot have loops`,
            });
          }
        } else if (s === undefined) {
          visit(target);
        }
      }
      state.set(id, 'done');
    };
    visit(triggerId);
    for (const node of graph.nodes) {
      if (!state.has(node.id) && catalog.get(node.type)?.role !== 'trigger') {
        problems.push({
          code: 'unreachable',
          nodeId: node.id,
          path: 'edges',
          message: `${label(node)} cannot be reached from the trigger`,
        });
      }
    }
  }

  return result;
}
