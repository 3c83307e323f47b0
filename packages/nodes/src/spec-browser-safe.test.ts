/**
 * `@wakeflow/nodes/spec` and the registered custom kinds are imported by the editor: their module graphs must not
 * reach the database, Temporal or Node built-ins, or the web bundle pulls pg and drizzle in. Follows every runtime
 * import (type-only imports are erased) through workspace packages.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const workspaceEntries: Record<string, string> = {
  '@wakeflow/journey': 'packages/journey/src/index.ts',
  '@wakeflow/nodes/spec': 'packages/nodes/src/spec.ts',
  '@wakeflow/custom-nodes': 'packages/custom-nodes/src/index.ts',
};
const browserSafePackages = new Set(['zod', 'luxon', '@noble/hashes']);

/** Runtime import specifiers of a module: `import … from`, `export … from`, bare `import '…'`; not `import type`. */
function runtimeImports(source: string): string[] {
  const found: string[] = [];
  const pattern = /^\s*(import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  for (const match of source.matchAll(pattern)) if (match[2]) found.push(match[2]);
  return found;
}

function reachablePackages(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of runtimeImports(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) {
        const base = resolve(dirname(file), specifier);
        visit(base.endsWith('.ts') ? base : `${base}.ts`);
      } else if (workspaceEntries[specifier]) {
        visit(resolve(root, workspaceEntries[specifier]));
      } else {
        // The package, without a subpath: `@noble/hashes/sha2.js` → `@noble/hashes`.
        const parts = specifier.split('/');
        packages.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier));
      }
    }
  };
  visit(resolve(root, entry));
  return packages;
}

describe('the node kinds the browser imports', () => {
  it.each(['packages/nodes/src/spec.ts', 'packages/custom-nodes/src/index.ts'])(
    '%s reaches no database, Temporal or Node module',
    (entry) => {
      const outside = [...reachablePackages(entry)].filter((p) => !browserSafePackages.has(p));
      expect(outside).toEqual([]);
    },
  );
});

describe('the node kinds of @wakeflow/channels', () => {
  // Their activities get ports (packages/channels/src/nodes/ports.ts), never the database handle; the webhook body
  // is checked as a Liquid template when the config is parsed, hence liquidjs.
  it.each(['packages/channels/src/nodes/webhook.ts', 'packages/channels/src/nodes/coupon-offer.ts'])(
    '%s reaches no database, Temporal or Node module',
    (entry) => {
      const outside = [...reachablePackages(entry)].filter(
        (p) => !browserSafePackages.has(p) && p !== 'liquidjs',
      );
      expect(outside).toEqual([]);
    },
  );
});
