/**
 * `defineNode()`: one module declares a node kind completely — its config schema, palette entry, outcomes as a
 * function of the config, the words the canvas, problems, run views and diffs show for it, how it compiles, and
 * the activity the worker runs. The activity receives narrow ports (`NodePorts`), never the database, so a kind's
 * module is browser-safe: the editor imports the same definition the worker executes (`@wakeflow/nodes/spec`).
 * Built-in kinds use the same mechanism as custom ones, so registering a kind is all it takes.
 */
import { z } from 'zod';
import type {
  ExecuteNodeInput,
  NodeActivityResult,
  NodeKindSpec,
  NodeReferences,
  NodeRole,
  PlanOp,
  PlanRetryPolicy,
} from '@wakeflow/journey';
import type { NodePorts } from './ports';
import { humanize } from './words';

export type PaletteCategory = 'trigger' | 'flow' | 'message' | 'data' | 'custom';

export interface PaletteInfo {
  label: string;
  description: string;
  /** A short icon name the editor maps to a glyph (e.g. `mail`, `clock`, `split`). */
  icon: string;
  category: PaletteCategory;
  /** CSS colour of the node's accent. */
  color: string;
}

/** Names for ids a description mentions, from the workspace's segment and template lists (the editor has them). */
export interface NameLookups {
  segmentName?(id: string): string | undefined;
  templateName?(id: string): string | undefined;
}

export interface NodeRunInput<Config> extends Omit<ExecuteNodeInput, 'config'> {
  config: Config;
}

/**
 * One input's answer from `runBatch`: the step's result, or the failure `run` would have thrown for it.
 * `retryable: true` (a provider that is down, say): the caller runs only these inputs again, after `retryAfterMs`
 * when given, else with the step's retry backoff. `retryable: false`: the member fails as a non-retryable throw of
 * `run` would fail its run.
 */
export type NodeBatchAnswer =
  { result: NodeActivityResult } | { error: string; retryable: boolean; retryAfterMs?: number };

export interface ActivityExecution<Config, Ports = NodePorts> {
  run(input: NodeRunInput<Config>, ports: Ports): Promise<NodeActivityResult>;
  /**
   * Optional: the step for many runs at once (a cohort's members at one step: same journey, same step, same
   * config), in set-based work instead of one `run` per member. Answers in input order, each what `run` would have
   * done for that input; it throws only when the whole batch failed (then the caller may run it again as a whole:
   * like `run`, it must be idempotent per input).
   */
  runBatch?(inputs: readonly NodeRunInput<Config>[], ports: Ports): Promise<NodeBatchAnswer[]>;
  /** Upper bound of one attempt. */
  startToCloseMs?: number;
  retry?: Partial<PlanRetryPolicy>;
  /** Steps that message the customer are skipped for holdout members. */
  sendsMessage?: boolean;
}

/** A config as a draft holds it: possibly half-filled while the manager types. */
export type DraftConfig = Record<string, unknown>;

export interface NodeDefinition<S extends z.ZodType, Ports = NodePorts> {
  type: string;
  /**
   * Bump when the config schema changes in a way old plans cannot satisfy, and give `migrateConfig` so their
   * configs keep working. Plans record the version they were compiled against (`nodeVersions`, and each activity
   * step's `nodeVersion`).
   */
  version: number;
  role?: NodeRole;
  config: S;
  palette: PaletteInfo;
  /** Fixed outcomes, or computed from the config (wait events, split arms). */
  outcomes: readonly string[] | ((config: z.output<S>) => string[]);
  /**
   * Outcomes of a half-filled config, so the editor draws lanes while the manager types. Only for computed
   * outcomes; without it a computed kind shows its lanes once its config is valid.
   */
  draftOutcomes?(config: DraftConfig): string[];
  /** A path in the manager's words ("Not within 7 days", "Yes"); the outcome name, humanized, when absent. */
  outcomeLabel?(outcome: string, config: z.output<S>): string | undefined;
  /** One line in words for the canvas: "Wait up to 7 days for login or purchase". */
  describe(config: z.output<S>, names: NameLookups): string;
  /**
   * The config a new step starts with in the editor (a 50/50 split, a 7-day wait), possibly half-filled for the
   * manager to complete; without it the editor starts from the schema's defaults.
   */
  starter?(): DraftConfig;
  /** Schema of what the step writes into `context.steps[<step id>]` for later steps and templates. */
  writes?: z.ZodType;
  references?(config: z.output<S>): NodeReferences;
  /** Control-flow kinds compile to an interpreter instruction… */
  plan?(config: z.output<S>): PlanOp;
  /** …all others run as an activity. */
  activity?: ActivityExecution<z.output<S>, Ports>;
  /**
   * Rewrites a config stored by an older version of this kind (`fromVersion` < `version`) into the current
   * schema's input, so plans published before a breaking change keep running. Steps of in-flight runs carry their
   * config in the plan, which is immutable: this hook is the only way to adapt them. Pure and total: return the
   * config unchanged for versions that need nothing.
   */
  migrateConfig?(fromVersion: number, config: Record<string, unknown>): unknown;
}

/** A stored config read with the current schema, after migrating it from the version it was saved by. */
export type StoredConfigResult<Config> =
  { success: true; config: Config } | { success: false; message: string; path: string };

export interface NodeKind<S extends z.ZodType = z.ZodType, Ports = NodePorts> extends NodeKindSpec {
  definition: NodeDefinition<S, Ports>;
  palette: PaletteInfo;
  describe(config: unknown, names?: NameLookups): string;
  /**
   * The card's line for a draft config: the description when the config is valid, else what is missing (the
   * schema's first message, e.g. "Choose a template"), so a half-filled step says what to do next.
   */
  summarize(config: unknown, names?: NameLookups): string;
  /** Outcomes of a draft config: exact when valid, `draftOutcomes` (or the fixed list) while half-filled. */
  draftOutcomes(config: unknown): string[];
  /** A path's label in the manager's words, from the same rule the canvas draws with. */
  outcomeLabel(outcome: string, config: unknown): string;
  /**
   * Reads a config that a plan stored under `fromVersion` of this kind: migrated with `migrateConfig` when older,
   * then parsed with the current schema. The worker runs steps with it and `checkPlanCompatibility` uses it.
   */
  readStoredConfig(config: unknown, fromVersion: number): StoredConfigResult<z.output<S>>;
}

const DEFAULT_RETRY: PlanRetryPolicy = {
  maximumAttempts: 10,
  initialIntervalMs: 1_000,
  backoffCoefficient: 2,
  maximumIntervalMs: 300_000,
};

const NODE_TYPE = /^[a-z][a-z0-9_]{1,63}$/;

function isRecord(value: unknown): value is DraftConfig {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function defineNode<S extends z.ZodType, Ports = NodePorts>(
  definition: NodeDefinition<S, Ports>,
): NodeKind<S, Ports> {
  if (!NODE_TYPE.test(definition.type)) {
    throw new Error(`Node type “${definition.type}” must be snake_case letters and digits (2–64 characters)`);
  }
  if (!Number.isInteger(definition.version) || definition.version < 1) {
    throw new Error(`Node type “${definition.type}”: version must be a positive integer`);
  }
  const role = definition.role ?? 'step';
  if (role === 'step' && !definition.plan && !definition.activity) {
    throw new Error(`Node type “${definition.type}” needs either plan() or activity`);
  }
  const parse = (config: unknown): z.output<S> => definition.config.parse(config);
  const tryParse = (config: unknown): z.ZodSafeParseResult<z.output<S>> =>
    definition.config.safeParse(config);
  const outcomesOf = (config: z.output<S>): string[] => {
    if (role === 'exit') return [];
    const o = definition.outcomes;
    return typeof o === 'function' ? o(config) : [...o];
  };
  const readStoredConfig = (config: unknown, fromVersion: number): StoredConfigResult<z.output<S>> => {
    let input = config;
    if (fromVersion < definition.version && definition.migrateConfig) {
      try {
        input = definition.migrateConfig(fromVersion, isRecord(config) ? config : {});
      } catch (error) {
        return {
          success: false,
          message: `migrating from version ${fromVersion} failed: ${error instanceof Error ? error.message : String(error)}`,
          path: '',
        };
      }
    }
    const parsed = tryParse(input);
    if (parsed.success) return { success: true, config: parsed.data };
    const issue = parsed.error.issues[0];
    return {
      success: false,
      message: issue?.message ?? 'invalid config',
      path: issue?.path.map(String).join('.') ?? '',
    };
  };
  const references = definition.references;
  return {
    type: definition.type,
    version: definition.version,
    role,
    configSchema: definition.config,
    palette: definition.palette,
    definition,
    describe: (config, names = {}) => definition.describe(parse(config), names),
    summarize(config, names = {}) {
      const parsed = tryParse(config);
      if (parsed.success) return definition.describe(parsed.data, names);
      return parsed.error.issues[0]?.message ?? definition.palette.description;
    },
    readStoredConfig,
    outcomes: (config) => outcomesOf(parse(config)),
    draftOutcomes(config) {
      if (role === 'exit') return [];
      const parsed = tryParse(config);
      if (parsed.success) return outcomesOf(parsed.data);
      const o = definition.outcomes;
      if (typeof o !== 'function') return [...o];
      return definition.draftOutcomes?.(isRecord(config) ? config : {}) ?? [];
    },
    outcomeLabel(outcome, config) {
      const parsed = tryParse(config);
      const label = parsed.success ? definition.outcomeLabel?.(outcome, parsed.data) : undefined;
      return label ?? humanize(outcome);
    },
    references: references ? (config) => references(parse(config)) : undefined,
    toPlanOp(config): PlanOp {
      const parsed = parse(config);
      if (definition.plan) return definition.plan(parsed);
      if (role === 'trigger' || !definition.activity) return { op: 'entry' };
      const activity = definition.activity;
      return {
        op: 'activity',
        nodeType: definition.type,
        nodeVersion: definition.version,
        config: parsed as Record<string, unknown>,
        startToCloseMs: activity.startToCloseMs ?? 60_000,
        retry: { ...DEFAULT_RETRY, ...activity.retry },
        sendsMessage: activity.sendsMessage ?? false,
      };
    },
  };
}
