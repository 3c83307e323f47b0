/**
 * The lint rules that keep the architecture are checked here, so none of them can silently become a no-op: each
 * forbidden import below must be reported by the workspace's own eslint.config.js, and an allowed one must not.
 * The architecture table itself (architecture.config.js) must be a layered graph without cycles that the
 * package.json files agree with.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { ioPackages, layers, parts, pureLibraries } from '../architecture.config.js';

const root = fileURLToPath(new URL('..', import.meta.url));

// Type information is not needed by the rules under test and costs ~30 s to build, so the typed rules are left out
// and the parser runs without a project.
const eslint = new ESLint({
  cwd: root,
  ruleFilter: ({ ruleId }) =>
    ruleId === 'boundaries/dependencies' ||
    ruleId === 'no-restricted-imports' ||
    ruleId === 'react-hooks/rules-of-hooks',
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
});

/** The messages eslint gives for `code` as if it were the file at `path` (which need not exist). */
async function lint(path: string, code: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  return result!.messages;
}
const rulesOf = (messages: Linter.LintMessage[]) => messages.map((m) => m.ruleId);

// Loading the config, its plugins and the resolver's view of the tsconfigs takes seconds on a loaded machine.
beforeAll(() => lint('packages/journey/src/lint-fixture.ts', 'export {};\n'), 120_000);

describe('the boundary lint', () => {
  it('reports the domain core importing an adapter', async () => {
    const messages = await lint(
      'packages/journey/src/lint-fixture.ts',
      "import { customers } from '@wakeflow/db';\nexport const x = customers;\n",
    );
    expect(rulesOf(messages)).toContain('boundaries/dependencies');
    expect(messages.find((m) => m.ruleId === 'boundaries/dependencies')?.message).toBe(
      'journey may not import db: see the layers in architecture.config.js.',
    );
  });

  it('reports the web app importing an adapter, and the browser-safe node spec importing its worker side', async () => {
    expect(
      rulesOf(
        await lint(
          'apps/web/src/lint-fixture.ts',
          "import { connect } from '@wakeflow/db';\nexport const x = connect;\n",
        ),
      ),
    ).toEqual(['boundaries/dependencies']);
    expect(
      rulesOf(
        await lint(
          'packages/nodes/src/kinds/lint-fixture.ts',
          "import { createCustomerStore } from '../worker/customer-store';\nexport const x = createCustomerStore;\n",
        ),
      ),
    ).toEqual(['boundaries/dependencies']);
  });

  it('reports an adapter importing the catalog above it (the cycle it would make)', async () => {
    expect(
      rulesOf(
        await lint(
          'packages/db/src/lint-fixture.ts',
          "import * as catalog from '@wakeflow/catalog';\nexport { catalog };\n",
        ),
      ),
    ).toEqual(['boundaries/dependencies']);
  });

  it('lets a part import what it uses', async () => {
    expect(
      await lint(
        'packages/audience/src/lint-fixture.ts',
        "import { customers } from '@wakeflow/db';\nimport { journeyTaskQueue } from '@wakeflow/journey';\nexport const x = [customers, journeyTaskQueue];\n",
      ),
    ).toEqual([]);
  });
});

describe('the workflow ban list', () => {
  it.each([
    'node:fs',
    'fs',
    'fs/promises',
    'node:crypto',
    'perf_hooks',
    'pg',
    'drizzle-orm',
    '@temporalio/activity',
  ])('reports workflow code importing %s', async (source) => {
    const messages = await lint(
      'workflows/src/lint-fixture.ts',
      `import * as io from '${source}';\nexport const x = io;\n`,
    );
    expect(rulesOf(messages)).toContain('no-restricted-imports');
  });

  it('lets workflow code import the types of its activities, not their values', async () => {
    expect(
      await lint(
        'workflows/src/lint-fixture.ts',
        "import type { SweepProgress } from '@wakeflow/audience';\nimport { proxyActivities } from '@temporalio/workflow';\nexport type P = SweepProgress;\nexport const x = proxyActivities;\n",
      ),
    ).toEqual([]);
    const messages = await lint(
      'workflows/src/lint-fixture.ts',
      "import { createAudienceActivities } from '@wakeflow/audience';\nexport const x = createAudienceActivities;\n",
    );
    expect(new Set(rulesOf(messages))).toEqual(new Set(['no-restricted-imports', 'boundaries/dependencies']));
  });

  it('bans Node built-ins in the domain core under both their names', async () => {
    for (const source of ['node:os', 'os'])
      expect(
        rulesOf(
          await lint(
            'packages/journey/src/lint-fixture.ts',
            `import * as m from '${source}';\nexport { m };\n`,
          ),
        ),
      ).toContain('no-restricted-imports');
  });
});

describe('react-hooks', () => {
  it('reports a hook called conditionally in the web app', async () => {
    const messages = await lint(
      'apps/web/src/lint-fixture.tsx',
      "import { useState } from 'react';\nexport function A({ on }: { on: boolean }) {\n  if (on) useState(0);\n  return null;\n}\n",
    );
    expect(rulesOf(messages)).toEqual(['react-hooks/rules-of-hooks']);
  });
});

describe('architecture.config.js', () => {
  const byType = new Map(parts.map((p) => [p.type, p]));

  it('names only known parts, and each part uses parts of its own layer or below', () => {
    for (const part of parts)
      for (const used of [...part.uses, ...(part.typesFrom ?? [])]) {
        const target = byType.get(used);
        expect(target, `${part.type} uses unknown part ${used}`).toBeDefined();
        // Workflow code may take types from the adapters that implement its activities; nothing else goes up.
        if (part.typesFrom?.includes(used)) continue;
        expect(
          layers.indexOf(target!.layer),
          `${part.type} (${part.layer}) uses ${used} (${target!.layer})`,
        ).toBeLessThanOrEqual(layers.indexOf(part.layer));
      }
  });

  it('allows no cycle between parts', () => {
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (type: string, path: string[]): void => {
      if (state.get(type) === 'done') return;
      if (state.get(type) === 'visiting') throw new Error(`cycle: ${[...path, type].join(' → ')}`);
      state.set(type, 'visiting');
      const part = byType.get(type)!;
      for (const used of [...part.uses, ...(part.typesFrom ?? [])]) visit(used, [...path, type]);
      state.set(type, 'done');
    };
    for (const part of parts) visit(part.type, []);
  });

  it('agrees with every package.json: workspace dependencies are parts it uses, npm ones are classified', () => {
    const manifests = [
      ...['packages', 'apps'].flatMap((dir) =>
        readdirSync(join(root, dir)).map((name) => join(root, dir, name, 'package.json')),
      ),
      join(root, 'workflows/package.json'),
    ].filter((file) => existsSync(file));
    const classified = new Set([...ioPackages, ...pureLibraries]);
    for (const file of manifests) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as {
        name: string;
        dependencies?: Record<string, string>;
      };
      const own = parts.filter((p) => p.package === manifest.name);
      expect(own.length, `${manifest.name} has no part in architecture.config.js`).toBeGreaterThan(0);
      const mayUse = new Set(
        own.flatMap((p) => [...p.uses, ...(p.typesFrom ?? [])].map((t) => byType.get(t)!.package)),
      );
      for (const dependency of Object.keys(manifest.dependencies ?? {})) {
        if (dependency.startsWith('@wakeflow/')) {
          if (dependency !== manifest.name)
            expect(
              mayUse.has(dependency),
              `${manifest.name} depends on ${dependency}, which none of its parts uses`,
            ).toBe(true);
        } else
          expect(
            classified.has(dependency),
            `${manifest.name} depends on ${dependency}: add it to ioPackages (it does I/O) or pureLibraries in architecture.config.js`,
          ).toBe(true);
      }
    }
  });
});
