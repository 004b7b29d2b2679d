import { defineConfig } from "vitest/config";

// .ci/run sets TEST_REPORT_DIR and reads the JSON report: the exit code alone once hid failing tests.
const reportDir = process.env.TEST_REPORT_DIR;

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // test/tools needs helm: .ci/helm-checks.sh runs it (vitest.tools.config.ts).
    exclude: ["test/tools/**", "**/node_modules/**"],
    reporters: reportDir ? ["default", "json"] : ["default"],
    outputFile: reportDir ? { json: `${reportDir}/infra.json` } : undefined,
    // CDK synthesis is CPU-bound; two workers match the machines and keep memory in check.
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
