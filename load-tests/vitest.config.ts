// Tests of the load-test kit itself (not the benchmark): npm run test:load-kit (part of npm test).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// .ci/run sets TEST_REPORT_DIR and reads the JSON report: the exit code alone once hid failing tests.
const reportDir = process.env.TEST_REPORT_DIR;

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  test: {
    include: ["*.test.ts"],
    testTimeout: 30_000,
    reporters: reportDir ? ["default", "json"] : ["default"],
    outputFile: reportDir ? { json: `${reportDir}/load-kit.json` } : undefined,
  },
});
