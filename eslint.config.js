// One lint setup for the whole workspace. It carries the architecture of architecture.config.js: its layers
// (eslint-plugin-boundaries), workflow code that may not import Node built-ins or I/O packages (it must stay
// deterministic), and a domain core with no I/O. scripts/lint-rules.test.ts proves each of these reports a violation.
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { ioPackages, nodeBuiltins, parts } from './architecture.config.js';

const deterministic = 'Workflow code must be deterministic: do I/O in an activity.';

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
  ...tseslint.configs.recommendedTypeChecked,
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
      // The rules of recommendedTypeChecked left out, each for its reason:
      // props and ports are declared as methods (`onClose(): void`) and passed as values by design; none reads `this`.
      '@typescript-eslint/unbound-method': 'off',
      // an async function may implement an async interface without awaiting; no-floating-promises and no-misused-promises catch the real mistakes.
      '@typescript-eslint/require-await': 'off',
      // it flags String() of JSON values (event properties, schema consts) whose '[object Object]' is today's behaviour.
      '@typescript-eslint/no-base-to-string': 'off',
      // `'none' | string` names a sentinel beside ids: the union documents it.
      '@typescript-eslint/no-redundant-type-constituents': 'off',
    },
  },
  {
    files: ['**/test/**', '**/*.test.{ts,tsx}', '**/bench/**', 'scripts/**', '**/test-support.{ts,tsx}'],
    rules: {
      // supertest's `res.body`, JSON.parse and hand-made fakes are `any` in tests, which check the values themselves.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // testing-library's queries resolve loosely here; a test's `as HTMLButtonElement` names the element it expects.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
    },
  },
  {
    files: ['apps/web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.flat.recommended.rules,
      // Recommended warns; a warning nobody reads is a rule nobody keeps.
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  // The layers: each part imports only the parts it `uses` (architecture.config.js). Source files only: tests may
  // reach for test support across the layers.
  {
    files: ['packages/*/src/**/*.{ts,tsx}', 'apps/*/src/**/*.{ts,tsx}', 'workflows/src/**/*.ts'],
    ignores: ['**/*.test.{ts,tsx}'],
    plugins: { boundaries },
    settings: {
      'import/resolver': {
        typescript: {
          alwaysTryTypes: true,
          project: ['tsconfig.json', 'apps/web/tsconfig.json'],
          noWarnOnMultipleProjects: true,
        },
      },
      'boundaries/elements': parts.map((p) => ({ type: p.type, pattern: p.folder })),
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          message: '{{from.type}} may not import {{to.type}}: see the layers in architecture.config.js.',
          policies: parts.flatMap((p) => [
            {
              from: { element: { type: p.type } },
              allow: { to: { element: { type: [p.type, ...p.uses] } } },
            },
            ...(p.typesFrom
              ? [
                  {
                    from: { element: { type: p.type } },
                    dependency: { kind: 'type' },
                    allow: { to: { element: { type: p.typesFrom } } },
                  },
                ]
              : []),
          ]),
        },
      ],
    },
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
    files: ['workflows/src/**/*.ts'],
    ignores: ['workflows/src/workflows-path.ts', '**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({ name, message: deterministic })),
            {
              // The SDK evaluates a workflow's imports again for every cached run: the index loads zod (~1.9 MiB).
              name: '@wakeflow/journey',
              allowTypeImports: true,
              message:
                'Workflow code takes run-time values from @wakeflow/journey/machine (types may use import type).',
            },
            {
              name: '@wakeflow/audience',
              allowTypeImports: true,
              message: 'Workflow code imports the types of its activities only (import type).',
            },
          ],
          patterns: [
            {
              group: ['node:*', ...ioPackages.flatMap((p) => [p, `${p}/*`])],
              message: deterministic,
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
          paths: nodeBuiltins.map((name) => ({ name, message: 'The domain core is pure: no I/O.' })),
          patterns: [
            {
              group: ['@wakeflow/*', '@temporalio/*', 'node:*', ...ioPackages.flatMap((p) => [p, `${p}/*`])],
              message: 'The domain core is pure: no adapters, no I/O.',
            },
          ],
        },
      ],
    },
  },
);
