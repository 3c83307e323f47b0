/** The node catalog: every kind the workspace can use, built-in and custom, in one registry. */
import { z } from 'zod';
import type { NodeCatalogView } from '@wakeflow/journey';
import type { NodeKind, PaletteInfo } from './define-node';
import { builtinNodes } from './builtin-kinds';

export class NodeCatalog implements NodeCatalogView {
  private readonly kinds = new Map<string, NodeKind>();

  constructor(kinds: readonly NodeKind[] = []) {
    for (const kind of kinds) this.register(kind);
  }

  register(kind: NodeKind): this {
    if (this.kinds.has(kind.type)) throw new Error(`Node type “${kind.type}” is registered twice`);
    this.kinds.set(kind.type, kind);
    return this;
  }

  get(type: string): NodeKind | undefined {
    return this.kinds.get(type);
  }

  list(): NodeKind[] {
    return [...this.kinds.values()];
  }

  /** The catalog as the API documents it and the editor builds its palette and forms from. */
  describe(): NodeCatalogEntry[] {
    return this.list().map((k) => ({
      type: k.type,
      version: k.version,
      role: k.role,
      palette: k.palette,
      outcomes: typeof k.definition.outcomes === 'function' ? null : [...k.definition.outcomes],
      configSchema: z.toJSONSchema(k.configSchema, { io: 'input', unrepresentable: 'any' }),
      writesSchema: k.definition.writes
        ? (z.toJSONSchema(k.definition.writes, { io: 'output', unrepresentable: 'any' }) as Record<
            string,
            unknown
          >)
        : null,
      executes: k.role === 'trigger' ? 'entry' : k.definition.plan ? 'interpreter' : 'activity',
    }));
  }
}

export interface NodeCatalogEntry {
  type: string;
  version: number;
  role: 'trigger' | 'step' | 'exit';
  palette: PaletteInfo;
  /**
   * Fixed outcomes, or null when they depend on the config (wait events, split arms): the editor computes those
   * with the kind's own definition from `@wakeflow/nodes/spec`.
   */
  outcomes: string[] | null;
  configSchema: Record<string, unknown>;
  writesSchema: Record<string, unknown> | null;
  executes: 'entry' | 'interpreter' | 'activity';
}

export function createBuiltinCatalog(extra: readonly NodeKind[] = []): NodeCatalog {
  return new NodeCatalog([...builtinNodes, ...extra]);
}
