#!/usr/bin/env bash
# IAM checked by a tool: parliament (PyPI) on every IAM policy the stacks synthesize, identity and resource
# policies alike, for every environment, with the intrinsics resolved to deployed ARNs
# (infra/bin/export-iam-policies.ts). Findings fail the stage unless infra/iam/parliament.yaml ignores them
# with a reason. Prints "iam-lint: N passed, M failed" (one check per policy file).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bin_dir="$(bash .ci/infra-tools.sh)" || { echo "iam-lint: installing tools failed" >&2; exit 1; }
export CDK_DISABLE_CLI_TELEMETRY=true
out="$root/.tmp/iam-policies"
rm -rf "$out"
(cd infra && npx tsx bin/export-iam-policies.ts --out "$out") >"$root/.tmp/iam-export.log" 2>&1 || {
  cat "$root/.tmp/iam-export.log"
  echo "iam-lint: 0 passed, 1 failed"
  exit 1
}
passed=0
failed=0
while IFS= read -r file; do
  rel="${file#"$out"/}"
  severity=LOW
  [[ "$file" == *.resource.json ]] && severity=MEDIUM
  # --string, not --file/--files: parliament 1.6.4 misreads a closed stdin with --file and logs --files to /tmp.
  findings="$("$bin_dir/parliament" --config infra/iam/parliament.yaml --minimum_severity "$severity" \
    --string "$(cat "$file")" </dev/null 2>&1)"
  if [ -z "$findings" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $rel"
    echo "$findings" | sed 's/^/     /'
  fi
done < <(find "$out" -name '*.json' | sort)
[ "$passed" -gt 0 ] || { echo "iam-lint: no policy exported"; failed=$((failed + 1)); }
echo "iam-lint: parliament on $((passed + failed)) synthesized policies"
echo "iam-lint: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
