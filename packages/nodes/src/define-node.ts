/**
 * `defineNode()`: one module declares a node kind completely — its config schema, palette entry, outcomes, what
 * it writes into the run's context, and how it executes. Built-in kinds use the same mechanism as custom ones, so
 * registering a kind is all it takes for the editor, the validator, the compiler and the worker to know it.
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
import type { NodeServices } from './services';

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

export interface NodeRunInput<Config> extends Omit<ExecuteNodeInput, 'config'> {
  config: Config;
}

export interface ActivityExecution<Config> {
  run(input: NodeRunInput<Config>, services: NodeServices): Promise<NodeActivityResult>;
  /** Upper bound of one attempt. */
  startToCloseMs?: number;
  retry?: Partial<PlanRetryPolicy>;
  /** Steps that message the customer are skipped for holdout members. */
  sendsMessage?: boolean;
}

export interface NodeDefinition<S extends z.ZodType> {
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
  /** One line in words for the canvas: "Wait up to 7 days for login or purchase". */
  describe(config: z.output<S>): string;
  /** Schema of what the step writes into `context.steps[<step id>]` for later steps and templates. */
  writes?: z.ZodType;
  references?(config: z.output<S>): NodeReferences;
  /** Control-flow kinds compile to an interpreter instruction… */
  plan?(config: z.output<S>): PlanOp;
  /** …all others run as an activity. */
  activity?: ActivityExecution<z.output<S>>;
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

export interface NodeKind<S extends z.ZodType = z.ZodType> extends NodeKindSpec {
  definition: NodeDefinition<S>;
  palette: PaletteInfo;
  describe(config: unknown): string;
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

export function defineNode<S extends z.ZodType>(definition: NodeDefinition<S>): NodeKind<S> {
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
  const parse = (config: unknown): z.output<S> => definition.config.parse(config) as z.output<S>;
  const readStoredConfig = (config: unknown, fromVersion: number): StoredConfigResult<z.output<S>> => {
    let input = config;
    if (fromVersion < definition.version && definition.migrateConfig) {
      try {
        input = definition.migrateConfig(fromVersion, (config ?? {}) as Record<string, unknown>);
      } catch (error) {
        return {
          success: false,
          message: `migrating from version ${fromVersion} failed: ${(error as Error).message}`,
          path: '',
        };
      }
    }
    const parsed = definition.config.safeParse(input);
    if (parsed.success) return { success: true, config: parsed.data as z.output<S> };
    const issue = parsed.error.issues[0];
    return {
      success: false,
      message: issue?.message ?? 'invalid config',
      path: issue?.path.map(String).join('.') ?? '',
    };
  };
  return {
    type: definition.type,
    version: definition.version,
    role,
    configSchema: definition.config,
    palette: definition.palette,
    definition,
    describe: (config) => definition.describe(parse(config)),
    readStoredConfig,
    outcomes(config) {
      if (role === 'exit') return [];
      const o = definition.outcomes;
      return typeof o === 'function' ? o(parse(config)) : [...o];
    },
    references: definition.references ? (config) => definition.references!(parse(config)) : undefined,
    toPlanOp(config): PlanOp {
      const parsed = parse(config);
      if (definition.plan) return definition.plan(parsed);
      if (role === 'trigger') return { op: 'entry' };
      const activity = definition.activity!;
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
