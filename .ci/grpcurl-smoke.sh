#!/usr/bin/env bash
# Starts the built proxy on its embedded demo (fresh data dir, free ports) and drives it with grpcurl through
# server reflection only (no proto files): list, describe, Execute, an error with details, health.
set -euo pipefail
cd "$(dirname "$0")/.."
GRPCURL_VERSION=v1.9.3
gobin="$(go env GOPATH)/bin"
if [ ! -x "$gobin/grpcurl" ]; then
  echo "installing grpcurl $GRPCURL_VERSION"
  go install "github.com/fullstorydev/grpcurl/cmd/grpcurl@$GRPCURL_VERSION"
fi
grpcurl="$gobin/grpcurl"
work="$(mktemp -d)"
cat >"$work/proxy.yaml" <<YAML
server: { grpcPort: 0, httpPort: 0 }
databases:
  demo: { driver: sqlite, path: $work/demo.db, demo: true }
YAML
node_modules/.bin/node app/dist/main.js serve --config "$work/proxy.yaml" >"$work/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do grep -q '"grpcPort"' "$work/log" && break; sleep 0.2; done
port="$(grep -o '"grpcPort":[0-9]*' "$work/log" | head -1 | cut -d: -f2)"
[ -n "$port" ] || { cat "$work/log"; exit 1; }
addr="127.0.0.1:$port"
check() { # name, expected substring, command...
  local name="$1" want="$2"; shift 2
  local out; out="$("$@" 2>&1 || true)"
  if grep -q -- "$want" <<<"$out"; then echo "ok   $name"; else echo "FAIL $name: wanted '$want' in:"; echo "$out"; exit 1; fi
}
check "list services" "informix.proxy.v1.SqlService" "$grpcurl" -plaintext "$addr" list
check "describe SqlService" "rpc ExecuteStream" "$grpcurl" -plaintext "$addr" describe informix.proxy.v1.SqlService
check "describe Value" "decimal_value" "$grpcurl" -plaintext "$addr" describe informix.proxy.v1.Value
check "Execute" '"decimalValue"' "$grpcurl" -plaintext -d '{"sql":"SELECT credit_limit FROM customer WHERE customer_id = ?","params":[{"int64Value":"1"}]}' "$addr" informix.proxy.v1.SqlService/Execute
check "ExecuteStream" '"summary"' "$grpcurl" -plaintext -d '{"sql":"SELECT * FROM products","fetchSize":5}' "$addr" informix.proxy.v1.SqlService/ExecuteStream
check "error details" "OBJECT_NOT_FOUND" "$grpcurl" -plaintext -d '{"sql":"SELECT * FROM nope"}' "$addr" informix.proxy.v1.SqlService/Execute
check "Ping" '"serverVersion"' "$grpcurl" -plaintext "$addr" informix.proxy.v1.SqlService/Ping
check "health" "SERVING" "$grpcurl" -plaintext "$addr" grpc.health.v1.Health/Check
echo "grpcurl smoke: 8 passed, 0 failed"
