#!/usr/bin/env bash
# Proves the gate: runs the app's vitest setup (global setup with PostgreSQL and all) on a test written to
# fail, from a temporary folder inside app/test, and requires a non-zero exit code AND a report that counts
# the failure. On the code before issue 7 this exited 0, so every failing test passed CI.
set -uo pipefail
cd "$(dirname "$0")/.."
canary="app/test/canary-$$-$RANDOM"
reports="$(mktemp -d)"
trap 'rm -rf "$canary" "$reports"' EXIT
mkdir -p "$canary"
cat >"$canary/gate.test.ts" <<'TS'
import { expect, it } from "vitest";

it("fails on purpose, so that the gate is seen to close", () => {
  expect(1).toBe(2);
});
TS
(cd app && TEST_REPORT_DIR="$reports" npx vitest run "${canary#app/}" >"$reports/out.log" 2>&1)
code=$?
if [ "$code" -eq 0 ]; then
  cat "$reports/out.log"
  echo "canary: a failing test exited 0; the test gate is broken"
  echo "canary: 0 passed, 1 failed"
  exit 1
fi
if node .ci/test-report.mjs "$reports" app >/dev/null 2>&1; then
  echo "canary: the JSON report did not count the failing test"
  echo "canary: 0 passed, 1 failed"
  exit 1
fi
echo "canary: a failing test exits $code and its report counts it"
echo "canary: 1 passed, 0 failed"
