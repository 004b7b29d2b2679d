#!/usr/bin/env bash
# Makes sure redis-server (Debian's package) is installed, for the tests of the limits shared through Redis.
# The test suite starts its own redis-server on a free loopback port (app/test/support/redis.ts); this script
# only installs the binary. Without it those tests are skipped with a message saying so.
# Usage: .ci/redis.sh            install if missing (apt-get, needs root)
#        .ci/redis.sh --check    exit 1 if missing, install nothing
set -euo pipefail

if command -v redis-server >/dev/null 2>&1; then
  echo "redis: $(redis-server --version | head -1)"
  exit 0
fi
if [ "${1:-}" = "--check" ]; then
  echo "redis: redis-server is not installed (apt-get install -y redis-server)" >&2
  exit 1
fi
echo "redis: installing redis-server with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq redis-server >/dev/null
# The package may start a system service on 6379; the tests do not use it.
echo "redis: $(redis-server --version | head -1)"
