import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The pages' scripts from harness/pages/, which the HTML report and the recorder inline.
    globalSetup: ['./tests/support/bundle-pages.ts'],
    // Integration tests boot real emulators: minutes, not milliseconds, and never more at once than cores.
    testTimeout: 180_000,
    hookTimeout: 60_000,
    // One test file at a time: integration files each start emulators (up to two jobs at once), and
    // wall-clock budgets in them should not depend on how many other files happen to be booting.
    fileParallelism: false,
    reporters: ['default', './tests/support/closing-line-reporter.ts'],
  },
});
