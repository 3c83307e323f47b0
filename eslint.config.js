// One lint setup for the whole workspace. Two rules carry the architecture: workflow code may not import Node
// built-ins or adapters (it must stay deterministic), and the domain core may not import adapters or apps.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'fs',
  'path',
  'http',
  'https',
  'net',
  'crypto',
  'child_process',
  'os',
  'url',
  'stream',
  'timers',
  'dns',
  'worker_threads',
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '.data/**',
      'packages/db/drizzle/**',
      'apps/web/test-results/**',
      '**/*.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['apps/web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  // Later blocks override this one for the same rule, so the stricter ones come after.
  {
    files: ['packages/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@wakeflow/api', '@wakeflow/worker', '@wakeflow/web'],
              message: 'Packages never import apps.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['workflows/src/**/*.ts', 'packages/audience/src/workflows/**/*.ts'],
    ignores: ['workflows/src/workflows-path.ts', '**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins
              .flatMap((m) => [m, `node:${m}`])
              .map((name) => ({
                name,
                message: 'Workflow code must be deterministic: do I/O in an activity.',
              })),
            {
              // The SDK evaluates a workflow's imports again for every cached run: the index loads zod (~1.9 MiB).
              name: '@wakeflow/journey',
              allowTypeImports: true,
              message:
                'Workflow code takes run-time values from @wakeflow/journey/machine (types may use import type).',
            },
          ],
          patterns: [
            {
              group: [
                '@wakeflow/db',
                '@wakeflow/channels',
                '@wakeflow/temporal',
                '@wakeflow/nodes',
                '@temporalio/client',
                '@temporalio/worker',
                '@temporalio/activity',
              ],
              message: 'Workflow code imports only @temporalio/workflow and pure packages.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/journey/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@wakeflow/*', '@temporalio/*', 'pg', 'drizzle-orm', 'drizzle-orm/*', 'node:*'],
              message: 'The domain core is pure: no adapters, no I/O.',
            },
          ],
        },
      ],
    },
  },
);
