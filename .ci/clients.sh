#!/usr/bin/env bash
# The client SDKs against the real, built proxy: Node (vitest, npm pack), Python (pytest with the DB-API
# compliance suite, pandas, the unchanged legacy client; wheel + sdist built and the wheel imported), Go (go vet,
# go test), plus "generated code is current" for each SDK. One fixture (clients/testing/proxy-fixture.ts:
# SQLite + PostgreSQL, and TLS + API key) serves all three. Python and Go dependencies go into caches.
# Closes with "clients: N passed, M failed" summed from vitest's JSON report, pytest's JUnit XML and
# go test -json, plus one count per check.
set -uo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/informix-grpc-proxy"
work="$(mktemp -d)"
passed=0
failed=0
fixture_pid=""
cleanup() {
  if [ -n "$fixture_pid" ]; then
    kill "$fixture_pid" 2>/dev/null
    wait "$fixture_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT
check() { # name, command...: one counted check
  local name="$1"
  shift
  if "$@" >"$work/check.log" 2>&1; then
    echo "ok   $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name"
    tail -40 "$work/check.log"
    failed=$((failed + 1))
  fi
}
add_counts() { # "P F" from a parser
  local p f
  read -r p f <<<"$1"
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-1}))
}

# Toolchains into caches.
python_bin="$(command -v python3)"
venv="$cache/py-venv-$(sha256sum clients/python/requirements-ci.txt | cut -c1-12)"
if [ ! -x "$venv/bin/python" ]; then
  echo "creating $venv"
  "$python_bin" -m venv "$venv" && "$venv/bin/pip" install -q -r clients/python/requirements-ci.txt || {
    rm -rf "$venv"
    echo "clients: 0 passed, 1 failed"
    exit 1
  }
fi
"$venv/bin/pip" install -q --no-deps -e clients/python >/dev/null
export GOFLAGS="${GOFLAGS:--buildvcs=false}"

check "proxy built (app/dist)" npm run build -w app

# Generated code is current (each SDK regenerates from proto/ with pinned generators).
check "clients/node/src/gen is current" bash -c 'npm run gen -w clients/node >/dev/null && git diff --exit-code -- clients/node/src/gen'
check "clients/python gen is current" bash -c "'$venv/bin/python' clients/python/scripts/gen.py && git diff --exit-code -- clients/python/src/informix_grpc_proxy/gen && test -z \"\$(git status --porcelain -- clients/python/src/informix_grpc_proxy/gen)\""
check "clients/go/gen is current" bash -c 'clients/go/gen.sh && git diff --exit-code -- clients/go/gen && test -z "$(git status --porcelain -- clients/go/gen)"'

# One fixture for every SDK.
node_modules/.bin/node --import tsx clients/testing/proxy-fixture.ts --out "$work/fixture.json" >"$work/fixture.log" 2>&1 &
fixture_pid=$!
for _ in $(seq 1 300); do
  [ -s "$work/fixture.json" ] && break
  kill -0 "$fixture_pid" 2>/dev/null || break
  sleep 0.5
done
if [ ! -s "$work/fixture.json" ]; then
  cat "$work/fixture.log"
  echo "clients: $passed passed, $((failed + 1)) failed"
  exit 1
fi
export IGP_FIXTURE="$work/fixture.json"

# The issue's own scenario: without auth on loopback, a session opened by one grpcurl process serves the next.
grpcurl="$(go env GOPATH)/bin/grpcurl"
[ -x "$grpcurl" ] || go install github.com/fullstorydev/grpcurl/cmd/grpcurl@v1.9.3 >/dev/null 2>&1
plain="$("$venv/bin/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["plain"])' "$work/fixture.json")"
grpcurl_session_reuse() {
  local sid
  sid="$("$grpcurl" -plaintext -d '{}' "$plain" informix.proxy.v1.SqlService/OpenSession |
    sed -n 's/.*"sessionId": *"\([0-9a-f]*\)".*/\1/p')"
  [ -n "$sid" ] || return 1
  # A second process: a new TCP connection, the same local identity.
  "$grpcurl" -plaintext -d "{\"sessionId\":\"$sid\",\"sql\":\"SELECT 1 AS one\"}" "$plain" \
    informix.proxy.v1.SqlService/Execute | grep -q int64Value || return 1
  "$grpcurl" -plaintext -d "{\"sessionId\":\"$sid\"}" "$plain" informix.proxy.v1.SqlService/CloseSession >/dev/null
}
check "grpcurl: a session opened by one call is used by the next (one local identity)" grpcurl_session_reuse
grpcurl_lists_compat() { "$grpcurl" -plaintext "$plain" list | grep -qx informix.InformixService; }
check "grpcurl: reflection lists informix.InformixService when compat is enabled" grpcurl_lists_compat

echo "== Node SDK (vitest)"
(cd clients/node && TEST_REPORT_DIR="$work" npx vitest run)
add_counts "$(node_modules/.bin/node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(r.numPassedTests, r.numFailedTests + r.numFailedTestSuites + (r.numTotalTests === 0 ? 1 : 0));
' "$work/clients-node.json" 2>/dev/null || echo "0 1")"

echo "== Python SDK (pytest)"
(cd clients/python && "$venv/bin/python" -m pytest -q -p no:cacheprovider --junitxml="$work/pytest.xml")
add_counts "$("$venv/bin/python" - "$work/pytest.xml" <<'PY' 2>/dev/null || echo "0 1"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else list(root)
total = sum(int(s.get("tests", 0)) for s in suites)
bad = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
skipped = sum(int(s.get("skipped", 0)) for s in suites)
print(total - bad - skipped, bad + (1 if total == 0 else 0))
PY
)"

check "python wheel and sdist build" "$venv/bin/python" -m build --outdir "$work/dist" clients/python
check "the wheel holds the package and its generated code" bash -c "unzip -l '$work'/dist/*.whl | grep -q informix_grpc_proxy/gen/informix/proxy/v1/sql_service_pb2.py && tar -tzf '$work'/dist/*.tar.gz | grep -q pyproject.toml"
check "the installed wheel queries the proxy" bash -c "
  '$venv/bin/pip' install -q --no-deps --target '$work/wheel' '$work'/dist/*.whl &&
  cd '$work' && PYTHONPATH='$work/wheel' '$venv/bin/python' -c '
import json, os, informix_grpc_proxy as igp
assert igp.__file__.startswith(\"$work/wheel\"), igp.__file__
info = json.load(open(os.environ[\"IGP_FIXTURE\"]))
with igp.connect(info[\"plain\"]) as conn:
    cur = conn.cursor(); cur.execute(\"SELECT count(*) FROM customer\"); assert cur.fetchone()[0] > 0
'"

echo "== Go driver (go vet, go test)"
check "go vet" bash -c 'cd clients/go && go vet ./...'
(cd clients/go && go test -count=1 -json ./... >"$work/go.json")
add_counts "$("$venv/bin/python" - "$work/go.json" <<'PY' 2>/dev/null || echo "0 1"
import json, sys
ok = bad = 0
for line in open(sys.argv[1]):
    try:
        event = json.loads(line)
    except ValueError:
        continue
    if event.get("Test") and event.get("Action") in ("pass", "fail"):
        if event["Action"] == "pass":
            ok += 1
        else:
            bad += 1
            print(f"go test failed: {event['Test']}", file=sys.stderr)
    elif not event.get("Test") and event.get("Action") == "fail":
        bad += 1
print(ok, bad + (1 if ok + bad == 0 else 0))
PY
)"
grep -h '"Output"' "$work/go.json" | grep -E -- '--- (FAIL|PASS)|^ok|FAIL' | sed 's/.*"Output":"//; s/\\n"}$//' | head -40

echo "clients: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
