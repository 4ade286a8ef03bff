import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['bench/measure.ts'],
    globalSetup: ['tests/e2e/support/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
