#!/usr/bin/env bash
# Installs the infrastructure check tools (cfn-lint, checkov, parliament, promtool, shellcheck, actionlint, helm,
# kubeconform and the Kubernetes JSON schemas from the PyPI package kubernetes-validate) once and prints
# the folder holding their executables. Idempotent: a tool that already answers is not reinstalled.
# Runs as root in CI (apt-get); set INFRA_TOOLS_DIR to relocate the cache.
set -euo pipefail

CFN_LINT_VERSION=1.58.0
CHECKOV_VERSION=3.3.30
ACTIONLINT_VERSION=v1.7.12
PARLIAMENT_VERSION=1.6.4
KUBERNETES_VALIDATE_VERSION=1.37.0
HELM_VERSION=v3.19.0
KUBECONFORM_VERSION=v0.7.0

tools_dir="${INFRA_TOOLS_DIR:-${HOME:-/root}/.cache/informix-grpc-proxy/infra-tools}"
bin_dir="$tools_dir/bin"
mkdir -p "$bin_dir"
log="$tools_dir/install.log"

note() { echo "infra-tools: $*" >&2; }

# Python tools in their own venv so they never touch the system interpreter.
venv="$tools_dir/venv"
want_py=()
"$venv/bin/cfn-lint" --version 2>/dev/null | grep -q "$CFN_LINT_VERSION" || want_py+=("cfn-lint==$CFN_LINT_VERSION")
"$venv/bin/checkov" --version 2>/dev/null | grep -q "$CHECKOV_VERSION" || want_py+=("checkov==$CHECKOV_VERSION")
"$venv/bin/pip" show parliament 2>/dev/null | grep -q "^Version: $PARLIAMENT_VERSION$" || want_py+=("parliament==$PARLIAMENT_VERSION")
# Ships the Kubernetes JSON schemas kubeconform validates against (no schema download at check time).
"$venv/bin/pip" show kubernetes-validate 2>/dev/null | grep -q "^Version: $KUBERNETES_VALIDATE_VERSION$" \
  || want_py+=("kubernetes-validate==$KUBERNETES_VALIDATE_VERSION")
if ((${#want_py[@]})); then
  note "installing ${want_py[*]} into $venv"
  [ -x "$venv/bin/pip" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "${want_py[@]}" >>"$log" 2>&1 \
    || { cat "$log" >&2; exit 1; }
fi
ln -sf "$venv/bin/cfn-lint" "$bin_dir/cfn-lint"
ln -sf "$venv/bin/checkov" "$bin_dir/checkov"
ln -sf "$venv/bin/parliament" "$bin_dir/parliament"
# kubeconform reads schemas from this folder (its -schema-location template).
schemas="$("$venv/bin/python" -c 'import kubernetes_validate, os; print(os.path.join(os.path.dirname(kubernetes_validate.__file__), "kubernetes-json-schema"))')"
ln -sfn "$schemas" "$tools_dir/kubernetes-json-schema"

# promtool ships in Debian's prometheus package; actionlint runs shellcheck on workflow scripts when present.
if ! command -v promtool >/dev/null 2>&1 || ! command -v shellcheck >/dev/null 2>&1; then
  note "installing promtool and shellcheck (Debian packages prometheus, shellcheck)"
  export DEBIAN_FRONTEND=noninteractive
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq >>"$log" 2>&1
  # --no-install-recommends: only the binaries, no node exporter or web assets.
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends prometheus shellcheck >>"$log" 2>&1 \
    || { cat "$log" >&2; exit 1; }
  # The package starts a Prometheus server where systemd/invoke-rc.d allows; we only need promtool.
fi
ln -sf "$(command -v promtool)" "$bin_dir/promtool"

if ! "$bin_dir/actionlint" -version 2>/dev/null | grep -q "${ACTIONLINT_VERSION#v}"; then
  note "installing actionlint $ACTIONLINT_VERSION with go install"
  GOBIN="$bin_dir" go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION" >>"$log" 2>&1 \
    || { cat "$log" >&2; exit 1; }
fi

for tool in "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION"; do
  name="$(basename "${tool%@*}")"
  version="${tool#*@}"
  if ! "$bin_dir/$name" version 2>/dev/null | grep -q "${version#v}" && ! "$bin_dir/$name" -v 2>/dev/null | grep -q "${version#v}"; then
    note "installing $name $version with go install"
    GOBIN="$bin_dir" go install "$tool" >>"$log" 2>&1 || { cat "$log" >&2; exit 1; }
  fi
done

echo "$bin_dir"
