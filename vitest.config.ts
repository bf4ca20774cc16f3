import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Integration tests boot real emulators: minutes, not milliseconds, and never more at once than cores.
    testTimeout: 180_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    reporters: ['default', './tests/support/closing-line-reporter.ts'],
  },
});
