#!/usr/bin/env bash
# Runs the fault suite (load-tests/faults/run.ts): builds the proxy unless SKIP_BUILD=1, then runs the
# scenarios through npx tsx with the project's Node 24. Exits non-zero when a bar fails.
#   load-tests/faults/run.sh [--smoke] [--only=db-kill,db-freeze] [--max-minutes=N]
# Environment: SKIP_BUILD=1 reuses app/dist as it is; FAULTS_KEEP=1 keeps the proxies' logs and configs.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f app/dist/main.js ]; then
  echo "faults: building the proxy (npm run build -w app)" >&2
  npm run build -w app --silent
fi

cd app
exec npx tsx ../load-tests/faults/run.ts "$@"
