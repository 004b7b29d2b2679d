#!/usr/bin/env bash
# Installs the infrastructure check tools (cfn-lint, checkov, parliament, promtool, amtool, shellcheck, actionlint, helm,
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
# (Captured, not piped into grep -q: with pipefail an early exit of grep fails the check.)
has() { [[ "$("$venv/bin/pip" show "$1" 2>/dev/null)" == *"Version: $2"* ]]; }
has parliament "$PARLIAMENT_VERSION" || want_py+=("parliament==$PARLIAMENT_VERSION")
# Ships the Kubernetes JSON schemas kubeconform validates against (no schema download at check time).
has kubernetes-validate "$KUBERNETES_VALIDATE_VERSION" || want_py+=("kubernetes-validate==$KUBERNETES_VALIDATE_VERSION")
if ((${#want_py[@]})); then
  note "installing ${want_py[*]} into $venv"
  [ -x "$venv/bin/pip" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "${want_py[@]}" >>"$log" 2>&1 \
    || { cat "$log" >&2; exit 1; }
fi
ln -sf "$venv/bin/cfn-lint" "$bin_dir/cfn-lint"
ln -sf "$venv/bin/checkov" "$bin_dir/checkov"
ln -sf "$venv/bin/parliament" "$bin_dir/parliament"
# kubeconform's schemas: kubernetes-validate ships them with references to "/api/_definitions.json", which
# kubeconform cannot resolve; a copy with those references made absolute file URLs works offline.
KUBERNETES_SCHEMA_VERSION=v1.31.0
schemas_src="$("$venv/bin/python" -c 'import kubernetes_validate, os; print(os.path.join(os.path.dirname(kubernetes_validate.__file__), "kubernetes-json-schema"))')"
schemas="$tools_dir/kubernetes-json-schema/$KUBERNETES_SCHEMA_VERSION-standalone-strict"
if [ ! -s "$schemas/deployment-apps-v1.json" ]; then
  rm -rf "$schemas" && mkdir -p "$schemas"
  cp "$schemas_src/$KUBERNETES_SCHEMA_VERSION-local-strict/"*.json "$schemas/"
  sed -i "s#\"/api/_definitions.json\##\"file://$schemas/_definitions.json\##g" "$schemas"/*.json
fi

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

# amtool (Alertmanager's config checker) ships in Debian's prometheus-alertmanager package.
if ! command -v amtool >/dev/null 2>&1; then
  note "installing amtool (Debian package prometheus-alertmanager)"
  export DEBIAN_FRONTEND=noninteractive
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq >>"$log" 2>&1
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends prometheus-alertmanager >>"$log" 2>&1 \
    || { cat "$log" >&2; exit 1; }
fi
ln -sf "$(command -v amtool)" "$bin_dir/amtool"

if ! "$bin_dir/actionlint" -version 2>/dev/null | grep -q "${ACTIONLINT_VERSION#v}"; then
  note "installing actionlint $ACTIONLINT_VERSION with go install"
  GOBIN="$bin_dir" go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION" >>"$log" 2>&1 \
    || { cat "$log" >&2; exit 1; }
fi

for tool in "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION"; do
  name="$(basename "${tool%@*}")"
  version="${tool#*@}"
  # go install builds report no release version; a marker file records which one was installed.
  if [ ! -x "$bin_dir/$name" ] || [ ! -f "$bin_dir/.$name-$version" ]; then
    note "installing $name $version with go install"
    GOBIN="$bin_dir" go install "$tool" >>"$log" 2>&1 || { cat "$log" >&2; exit 1; }
    rm -f "$bin_dir/.$name-"* && touch "$bin_dir/.$name-$version"
  fi
done

echo "$bin_dir"
