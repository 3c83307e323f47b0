import { defineConfig } from 'vitest/config';

/**
 * One test command for the whole workspace. Unit tests sit beside the code; tests that need PostgreSQL,
 * Temporal or a browser live in each package's or app's `test/` folder and share a global setup that starts
 * (or finds) those services.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.ts',
            'apps/*/src/**/*.test.{ts,tsx}',
            'workflows/src/**/*.test.ts',
            'scripts/**/*.test.ts',
          ],
          environment: 'node',
          // Vitest's default is one worker fewer than the cores: on a two-core machine, one. Pure tests load no
          // services, so both cores take files (the unit phase 79 s → 52 s here).
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: [
            'packages/*/test/**/*.test.ts',
            'apps/api/test/**/*.test.ts',
            'apps/worker/test/**/*.test.ts',
            'workflows/test/**/*.test.ts',
          ],
          globalSetup: ['./scripts/test-global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Each file starts its own Temporal test server or worker; two at a time fits two cores.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['apps/web/test/**/*.test.ts'],
          globalSetup: ['./scripts/test-global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 240_000,
          maxWorkers: 1,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
