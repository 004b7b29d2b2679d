#!/usr/bin/env bash
# Checks on the deployment product, self-contained (installs its own tools through infra-tools.sh):
#   1. cdk synth of every stack for every environment, with the cdk-nag AwsSolutions pack (errors fail synth)
#   2. cfn-lint on every synthesized CloudFormation template
#   3. cdktf synth of the Terraform variant, scanned with checkov
#   4. promtool: rule syntax and unit tests of alerts/, and the dashboard's queries
#   5. actionlint on .github/workflows/
# Run from the repository root after `npm ci`. Prints a closing "N passed, N failed" line.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bin_dir="$(bash .ci/infra-tools.sh)" || { echo "infra-checks: installing tools failed" >&2; exit 1; }
export PATH="$bin_dir:$PATH"
# No calls home from the CDK CLI: CI reaches package registries only.
export CDK_DISABLE_CLI_TELEMETRY=true

work="$root/.tmp/infra-checks"
rm -rf "$work"
mkdir -p "$work"
passed=0
failed=0

step() {
  local name="$1"
  shift
  echo "== infra-checks: $name"
  if "$@"; then
    echo "   ok: $name"
    passed=$((passed + 1))
  else
    echo "   FAILED: $name"
    failed=$((failed + 1))
  fi
}

environments() {
  (cd infra && npx tsx -e 'import("./src/config/load.ts").then(m => console.log(Object.keys(m.ENVIRONMENTS).join(" ")))')
}

cdk_synth() {
  local env="$1"
  # --ci: no interactive output; the cdk-nag plugin fails synth on any unacknowledged finding.
  (cd infra && npx cdk synth --ci --quiet --no-notices -c env="$env" -o "$work/cdk.out/$env" >"$work/synth-$env.log" 2>&1) || {
    cat "$work/synth-$env.log"
    return 1
  }
}

cfn_lint() {
  # W3005 (redundant DependsOn) is ignored: CDK adds explicit DependsOn next to Ref/GetAtt on purpose
  # (the VPC restrict-default-SG provider, the ECS service's listener), and the templates are generated.
  cfn-lint --format parseable --ignore-checks W3005 -- "$work"/cdk.out/*/*.template.json
}

promtool_rules() {
  promtool check rules alerts/*.yml && promtool test rules alerts/tests/*.yml || return 1
  # The dashboard's queries must parse as PromQL too.
  node .ci/infra-dashboard-rules.mjs dashboards/informix-grpc-proxy.json >"$work/dashboard-rules.json" &&
    promtool check rules "$work/dashboard-rules.json"
}

cdktf_checkov() {
  (cd infra && npx tsx cdktf/main.ts --out "$work/cdktf.out" >"$work/cdktf.log" 2>&1) || {
    cat "$work/cdktf.log"
    return 1
  }
  # The accepted findings and their reasons live in infra/cdktf/.checkov.yaml.
  checkov --quiet --compact --framework terraform_json --config-file infra/cdktf/.checkov.yaml \
    --directory "$work/cdktf.out"
}

actionlint_workflows() {
  actionlint -no-color
}

envs="$(environments)" || { echo "infra-checks: cannot read the environment list" >&2; exit 1; }
for env in $envs; do
  step "cdk synth + cdk-nag ($env)" cdk_synth "$env"
done
step "cfn-lint" cfn_lint
step "cdktf synth + checkov" cdktf_checkov
step "promtool" promtool_rules
step "actionlint" actionlint_workflows

echo "infra-checks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
