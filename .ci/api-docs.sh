#!/usr/bin/env bash
# The API reference (docs/api/reference.{md,html}, generated from the proto comments by protoc-gen-doc) is
# current, and API v1 has not broken against the last release tag (buf breaking; skipped, and said so, while no
# v* tag exists). Closes with "api-docs: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0
failed=0
check() {
  local name="$1"
  shift
  if out="$("$@" 2>&1)"; then
    echo "ok   $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name"
    echo "$out" | tail -30
    failed=$((failed + 1))
  fi
}
check "API reference regenerates" bash docs/api/gen-api-docs.sh
check "docs/api is current (run docs/api/gen-api-docs.sh and commit)" bash -c 'git diff --exit-code -- docs/api && test -z "$(git status --porcelain -- docs/api)"'
tag="$(git tag --list 'v*' --sort=-version:refname | head -1)"
if [ -n "$tag" ]; then
  check "buf breaking against $tag" node_modules/.bin/buf breaking proto --against ".git#tag=$tag,subdir=proto"
else
  echo "skip buf breaking: no release tag (v*) yet; the first tag becomes the baseline"
fi
echo "api-docs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
