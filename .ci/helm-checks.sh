#!/usr/bin/env bash
# The Helm chart (infra/helm/informix-grpc-proxy): helm lint with its defaults and with an environment's
# values, kubeconform (strict, Kubernetes JSON schemas from the PyPI package kubernetes-validate, offline) on
# every rendering, and the vitest suite that compares `helm template` with the CDK EKS stack's manifests.
# Prints "helm: N passed, M failed".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bin_dir="$(bash .ci/infra-tools.sh)" || { echo "helm-checks: installing tools failed" >&2; exit 1; }
tools_dir="$(dirname "$bin_dir")"
KUBE_VERSION=1.31.0
chart=infra/helm/informix-grpc-proxy
work="$root/.tmp/helm-checks"
rm -rf "$work" && mkdir -p "$work"
passed=0
failed=0
step() {
  local name="$1"
  shift
  if "$@" >"$work/step.log" 2>&1; then
    echo "ok   $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name"
    sed 's/^/     /' "$work/step.log" | tail -40
    failed=$((failed + 1))
  fi
}

arn() { echo "arn:aws:secretsmanager:eu-west-1:111122223333:secret:$1-AbCdEf"; }
(cd infra && npx tsx bin/write-k8s-manifests.ts --env staging-eks --format helm-values \
  --image "111122223333.dkr.ecr.eu-west-1.amazonaws.com/informix-grpc-proxy@sha256:$(printf 'a%.0s' {1..64})" \
  --role-arn arn:aws:iam::111122223333:role/proxy-irsa --secret-arn "$(arn informix)" \
  --api-keys-secret-arn "$(arn api-key-hashes)" --tls-secret-arn "$(arn tls)" \
  --prometheus-endpoint https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/ --out "$work") \
  >"$work/values.log" 2>&1 || { cat "$work/values.log"; echo "helm: 0 passed, 1 failed"; exit 1; }
values="$work/informix-grpc-proxy-staging-eks.values.yaml"

step "helm lint (chart defaults)" "$bin_dir/helm" lint --strict "$chart" --kube-version "$KUBE_VERSION"
step "helm lint (staging-eks values)" "$bin_dir/helm" lint --strict "$chart" --kube-version "$KUBE_VERSION" -f "$values"

render() { # name, helm template args...
  local name="$1"
  shift
  "$bin_dir/helm" template informix-grpc-proxy "$chart" --namespace informix-grpc-proxy \
    --kube-version "$KUBE_VERSION" "$@" >"$work/$name.yaml"
}
# CRDs (SecretProviderClass, ExternalSecret, ServiceMonitor) have no schema in the Kubernetes set: skipped,
# and counted in kubeconform's summary.
kubeconform_on() {
  "$bin_dir/kubeconform" -strict -summary -kubernetes-version "$KUBE_VERSION" \
    -schema-location "$tools_dir/kubernetes-json-schema/{{.NormalizedKubernetesVersion}}-standalone{{.StrictSuffix}}/{{.ResourceKind}}{{.KindSuffix}}.json" \
    -skip SecretProviderClass,ExternalSecret,ServiceMonitor "$work/$1.yaml"
}
everything=(--set networkPolicy.enabled=true --set metrics.serviceMonitor.enabled=true)
step "helm template (defaults)" render defaults
step "kubeconform (defaults)" kubeconform_on defaults
step "helm template (staging-eks values, NetworkPolicy, ServiceMonitor)" render staging -f "$values" "${everything[@]}"
step "kubeconform (staging-eks values, NetworkPolicy, ServiceMonitor)" kubeconform_on staging
cdk_manifests() {
  (cd infra && npx tsx bin/write-k8s-manifests.ts --env staging-eks \
    --image 111122223333.dkr.ecr.eu-west-1.amazonaws.com/informix-grpc-proxy:v1.0.0 \
    --role-arn arn:aws:iam::111122223333:role/proxy-irsa --secret-arn "$(arn informix)" \
    --api-keys-secret-arn "$(arn api-key-hashes)" --tls-secret-arn "$(arn tls)" \
    --prometheus-endpoint https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/) >"$work/cdk.yaml"
}
step "CDK manifests (write-k8s-manifests.ts)" cdk_manifests
step "kubeconform (CDK manifests)" kubeconform_on cdk

reports="$(mktemp -d)"
chart_vs_cdk() {
  (cd infra && HELM="$bin_dir/helm" KUBE_VERSION="$KUBE_VERSION" TEST_REPORT_DIR="$reports" \
    npx vitest run --config vitest.tools.config.ts) &&
    node .ci/test-report.mjs "$reports" infra-tools
}
step "helm template equals the CDK EKS manifests (vitest)" chart_vs_cdk
# The closing line counts the vitest tests as well as the steps above.
if line="$(grep -aoE '[0-9]+ passed, [0-9]+ failed' "$work/step.log" | tail -1)" && [ -n "$line" ]; then
  echo "     vitest: $line"
  passed=$((passed + ${line%% passed*}))
  rest="${line#*passed, }"
  failed=$((failed + ${rest%% failed*}))
fi
rm -rf "$reports"
echo "helm: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
