import { defineConfig } from "vitest/config";

// .ci/run sets TEST_REPORT_DIR and reads the JSON report: the exit code alone once hid failing tests.
const reportDir = process.env.TEST_REPORT_DIR;

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    reporters: reportDir ? ["default", "json"] : ["default"],
    outputFile: reportDir ? { json: `${reportDir}/app.json` } : undefined,
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Two cores: a few forks keep PostgreSQL and the proxy busy without thrashing.
    pool: "forks",
    maxWorkers: 2,
  },
});
