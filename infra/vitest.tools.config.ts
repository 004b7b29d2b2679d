import { defineConfig } from "vitest/config";

// Tests that need external tools (helm), run by .ci/helm-checks.sh after it installs them.
const reportDir = process.env.TEST_REPORT_DIR;

export default defineConfig({
  test: {
    include: ["test/tools/**/*.test.ts"],
    reporters: reportDir ? ["default", "json"] : ["default"],
    outputFile: reportDir ? { json: `${reportDir}/infra-tools.json` } : undefined,
    maxWorkers: 2,
    testTimeout: 120_000,
  },
});
