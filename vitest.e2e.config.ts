import { defineConfig } from 'vitest/config';

// End-to-end: the built extension in real Chromium. Files run in parallel, each with its own browser.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.e2e.test.ts'],
    globalSetup: ['tests/e2e/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    fileParallelism: true,
    maxWorkers: 2,
    // What a click leads to (a toast, the clipboard) may take a worker's cold start and the ticket's
    // requester lookup, which runs at the first need: seconds on a busy 2-core machine, not 1 s
    // (Vitest's default). How fast it is, is the bench's to judge.
    expect: { poll: { timeout: 5_000 } },
  },
});
