import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Two cores: a few forks keep PostgreSQL and the proxy busy without thrashing.
    pool: "forks",
    maxWorkers: 2,
  },
});
