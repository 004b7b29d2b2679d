#!/usr/bin/env bash
# Runs the load test (load-tests/run.ts): builds the proxy, installs ghz with `go install` if the pinned
# version is missing, then runs the scenarios through npx tsx (Node 24 from the project's devDependencies).
# Arguments go to run.ts, e.g. load-tests/run.sh --concurrency=50 --requests=50000 --results=/tmp/out
# Environment: GHZ_VERSION (pin, default below), SKIP_BUILD=1 to reuse app/dist as it is.
set -euo pipefail
invoked_from="$PWD"
cd "$(dirname "$0")/.."

GHZ_VERSION="${GHZ_VERSION:-v0.121.0}"

# `go install` builds report "dev" for --version; the module version is in the binary's build info.
ghz_version_of() { go version -m "$1" 2>/dev/null | awk '$1 == "mod" && $2 == "github.com/bojand/ghz" { print $3 }'; }
ghz_bin=""
for candidate in "$(command -v ghz || true)" "$(go env GOPATH 2>/dev/null)/bin/ghz"; do
  if [ -n "$candidate" ] && [ -x "$candidate" ] && [ "$(ghz_version_of "$candidate")" = "$GHZ_VERSION" ]; then
    ghz_bin="$candidate"
    break
  fi
done
if [ -z "$ghz_bin" ]; then
  command -v go >/dev/null || { echo "load-test: ghz $GHZ_VERSION is missing and go is not installed" >&2; exit 1; }
  echo "load-test: installing ghz $GHZ_VERSION with go install" >&2
  go install "github.com/bojand/ghz/cmd/ghz@$GHZ_VERSION"
  ghz_bin="$(go env GOPATH)/bin/ghz"
fi

if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f app/dist/main.js ]; then
  echo "load-test: building the proxy (npm run build -w app)" >&2
  npm run build -w app --silent
fi

# A relative --results is relative to where the script was started, not to app/ where run.ts runs.
results_args=()
for arg in "$@"; do
  case "$arg" in
    --results=/*) results_args+=("$arg") ;;
    --results=*) results_args+=("--results=$invoked_from/${arg#--results=}") ;;
    *) results_args+=("$arg") ;;
  esac
done

cd app
GHZ="$ghz_bin" GHZ_VERSION="$GHZ_VERSION" exec npx tsx ../load-tests/run.ts "${results_args[@]}"
