import { defineConfig } from 'vitest/config';

// Runs this package on its own (`pnpm exec vitest run --root packages/devstack`); the workspace run uses the root config.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
  },
});
