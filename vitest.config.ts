import { defineConfig } from 'vitest/config';

// Source-first: resolve workspace packages to their `src/*.ts` through the `@camstream/source` condition.
const conditions = ['@camstream/source', 'module', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@camstream/source'] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.ts',
            'tools/*/src/**/*.test.ts',
            'fuzz/**/*.test.ts',
            'scripts/**/*.test.ts',
          ],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.test.ts'],
          environment: 'node',
          // One browser at a time: Chromium with the viewer takes ~1.5 GB and both cores.
          fileParallelism: false,
          // A test is several steps, each waiting on its own condition with its own deadline (`poll()`: 60 s),
          // so that a stuck step fails with its name; this is only the outer guard against a hang.
          testTimeout: 300_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
