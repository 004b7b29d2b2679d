#!/usr/bin/env bash
# Installs the infrastructure check tools (cfn-lint, checkov, promtool, shellcheck, actionlint) once and prints
# the folder holding their executables. Idempotent: a tool that already answers is not reinstalled.
# Runs as root in CI (apt-get); set INFRA_TOOLS_DIR to relocate the cache.
set -euo pipefail

CFN_LINT_VERSION=1.58.0
CHECKOV_VERSION=3.3.30
ACTIONLINT_VERSION=v1.7.12

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
if ((${#want_py[@]})); then
  note "installing ${want_py[*]} into $venv"
  [ -x "$venv/bin/pip" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "${want_py[@]}" >>"$log" 2>&1 \
    || { cat "$log" >&2; exit 1; }
fi
ln -sf "$venv/bin/cfn-lint" "$bin_dir/cfn-lint"
ln -sf "$venv/bin/checkov" "$bin_dir/checkov"

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

echo "$bin_dir"
