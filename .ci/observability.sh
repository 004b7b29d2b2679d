#!/usr/bin/env bash
# Observability checks on the built proxy: its LIVE /metrics passes `promtool check metrics`; alert and recording
# rules parse and pass their unit tests; the SLO rules are what alerts/slo/slos.yml generates; Alertmanager's
# routing passes `amtool check-config`; every metric named by a dashboard or a rule is exported by the running
# proxy; every alert has its runbook. Prints "observability: N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/.."

tools="$(bash .ci/infra-tools.sh)"
export PATH="$tools:$PATH"
work="$(mktemp -d)"
proxy_pid=""
cleanup() {
  [ -z "$proxy_pid" ] || kill "$proxy_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

passed=0
failed=0
check() { # name, command...
  local name="$1"
  shift
  if "$@" >"$work/out" 2>&1; then
    passed=$((passed + 1))
    echo "ok   $name"
  else
    failed=$((failed + 1))
    echo "FAIL $name"
    sed 's/^/     /' "$work/out"
  fi
}

[ -f app/dist/main.js ] || npm run build -w app >/dev/null
cat >"$work/proxy.yaml" <<YAML
server: { grpcPort: 0, httpPort: 0 }
databases:
  demo: { driver: sqlite, path: $work/demo.db, demo: true }
audit: { enabled: true, destination: { file: $work/audit.jsonl } }
YAML
node_modules/.bin/node app/dist/main.js serve --config "$work/proxy.yaml" >"$work/proxy.log" 2>&1 &
proxy_pid=$!
for _ in $(seq 1 100); do
  grep -q '"proxy listening"' "$work/proxy.log" && break
  sleep 0.1
done
line="$(grep '"proxy listening"' "$work/proxy.log")"
grpc_port="$(sed -E 's/.*"grpcPort":([0-9]+).*/\1/' <<<"$line")"
http_port="$(sed -E 's/.*"httpPort":([0-9]+).*/\1/' <<<"$line")"
# A little traffic, so histograms and labelled counters have series.
node_modules/.bin/node app/dist/main.js sql -a "127.0.0.1:$grpc_port" "SELECT name FROM products WHERE product_id = ?" -p 1 >/dev/null
node_modules/.bin/node app/dist/main.js sql -a "127.0.0.1:$grpc_port" "SELECT * FROM no_such_table" >/dev/null || true
sleep 0.5
curl -fsS "http://127.0.0.1:$http_port/metrics" >"$work/metrics.txt"

check "promtool check metrics on the live /metrics" bash -c "promtool check metrics <'$work/metrics.txt'"
check "no gauge named like a counter (_total)" bash -c "! grep -E '^# TYPE \S+_total gauge' '$work/metrics.txt'"
check "proxy_database_up for the configured database" grep -q '^proxy_database_up{database="demo"} 1$' "$work/metrics.txt"
check "promtool check rules alerts/*.yml" promtool check rules alerts/*.yml
check "promtool test rules alerts/tests/*.yml" promtool test rules alerts/tests/*.yml
check "SLO rules generated from alerts/slo/slos.yml are current" node alerts/slo/generate.mjs --check
check "amtool check-config alerts/alertmanager/alertmanager.yml" amtool check-config alerts/alertmanager/alertmanager.yml
check "dashboard queries parse (promtool)" bash -c "node .ci/infra-dashboard-rules.mjs dashboards/informix-grpc-proxy.json >'$work/dash.json' && promtool check rules '$work/dash.json'"
check "dashboards and rules name only exported metrics" node .ci/observability-names.mjs "$work/metrics.txt"
runbooks_exist() {
  local missing=0
  for url in $(grep -ho 'docs/runbooks/[A-Za-z]*\.md' alerts/*.yml | sort -u); do
    [ -f "$url" ] || { echo "missing $url"; missing=1; }
  done
  return "$missing"
}
check "every alert's runbook exists" runbooks_exist

echo "observability: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
