import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Files share two cores with real worker pools and databases; a few at a time is fastest.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
