import { defineConfig } from "vitest/config";

const reportDir = process.env.TEST_REPORT_DIR;

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    reporters: reportDir ? ["default", "json"] : ["default"],
    outputFile: reportDir ? { json: `${reportDir}/clients-node.json` } : undefined,
    // Starts the built proxy (SQLite + PostgreSQL, and a TLS + API key one) unless IGP_FIXTURE names a running one.
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 180_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
