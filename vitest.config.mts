import { defineConfig } from 'vitest/config';

// Two projects: `unit` runs files in parallel; `lab` (files named *.lab.test.ts) drives the one shared
// pcscd + vpcd card lab and therefore runs its files one after another.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'packages/**/*.test.ts', 'test/**/*.test.ts', 'portal/**/*.test.ts', 'bench/**/*.test.ts', 'native/**/*.test.ts'],
          exclude: ['**/*.lab.test.ts', 'test/e2e/**', 'node_modules/**'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'lab',
          include: ['src/**/*.lab.test.ts', 'packages/**/*.lab.test.ts', 'test/**/*.lab.test.ts', 'portal/**/*.lab.test.ts'],
          exclude: ['test/e2e/**', 'node_modules/**'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
