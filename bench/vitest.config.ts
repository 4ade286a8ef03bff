import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['bench/measure.ts'],
    globalSetup: ['bench/setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
