// Tests of the load-test kit itself (not the benchmark): cd app && npx vitest run --config ../load-tests/vitest.config.ts
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  test: { include: ["*.test.ts"], testTimeout: 30_000 },
});
