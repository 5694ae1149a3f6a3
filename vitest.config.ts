import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The console bridge patches the global console; files run in separate workers, tests in a file in order.
    pool: 'forks',
    testTimeout: 15_000,
  },
});
