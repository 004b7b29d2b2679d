#!/usr/bin/env bash
# Hunts flaky tests: runs the README test command N times in a row (default 5) with a CPU hog on every core
# beside it, and prints each run's time and result. For people, not for CI (it takes N full runs).
# Usage: bash .ci/soak-tests.sh [runs] [hogs]
set -uo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
hogs="${2:-$(nproc)}"
logs="$(mktemp -d)"
pids=()
for _ in $(seq 1 "$hogs"); do
  node_modules/.bin/node -e 'const end = Date.now() + 4 * 3600e3; while (Date.now() < end) {}' &
  pids+=("$!")
done
trap 'kill "${pids[@]}" 2>/dev/null; echo "logs in $logs"' EXIT
ok=0
bad=0
for i in $(seq 1 "$runs"); do
  start=$(date +%s)
  mkdir -p "$logs/$i"
  if TEST_REPORT_DIR="$logs/$i" npm test >"$logs/$i/out.log" 2>&1 &&
    node .ci/test-report.mjs "$logs/$i" app infra load-kit >"$logs/$i/report.txt" 2>&1; then
    ok=$((ok + 1))
    echo "run $i: green in $(($(date +%s) - start)) s ($(tail -1 "$logs/$i/report.txt"))"
  else
    bad=$((bad + 1))
    node .ci/test-report.mjs "$logs/$i" app infra load-kit >"$logs/$i/report.txt" 2>&1
    echo "run $i: RED in $(($(date +%s) - start)) s"
    cat "$logs/$i/report.txt"
  fi
done
echo "soak: $ok passed, $bad failed"
[ "$bad" -eq 0 ]
