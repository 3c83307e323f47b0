/** Types of architecture.config.js (a plain module, so eslint.config.js can load it without a build step). */
export type Layer = 'core' | 'contract' | 'workflow' | 'adapter' | 'catalog' | 'app' | 'tooling';

export interface Part {
  /** The element type the boundary lint names in its messages. */
  type: string;
  layer: Layer;
  /** The workspace package the part belongs to (two parts may share one: its browser-safe side and its worker side). */
  package: string;
  /** Relative to the repository root. */
  folder: string;
  uses: string[];
  typesFrom?: string[];
}

export const layers: readonly Layer[];
export const parts: readonly Part[];
export const nodeBuiltins: readonly string[];
export const ioPackages: readonly string[];
export const pureLibraries: readonly string[];
