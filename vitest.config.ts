import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Each test file gets its own database (a SQLite file or a PostgreSQL schema), so files run
    // in parallel safely.
    pool: 'forks',
  },
});
