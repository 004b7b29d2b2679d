#!/usr/bin/env bash
# Builds the OpenTelemetry Collector used by the tracing end-to-end test (OTLP receiver + file exporter) with the
# collector's builder, once, and prints the path of the binary. Cached under ~/.cache/informix-grpc-proxy/ keyed by
# the manifest's hash, so a changed manifest rebuilds and an unchanged one costs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILDER_VERSION=v0.161.0
cache="${OTELCOL_CACHE_DIR:-${HOME:-/root}/.cache/informix-grpc-proxy/otelcol}"
manifest=.ci/otelcol/manifest.yaml
key="$(sha256sum "$manifest" | cut -c1-12)"
out="$cache/$key"
binary="$out/otelcol-proxy-test"
mkdir -p "$cache/bin"

note() { echo "otelcol: $*" >&2; }

if [ ! -x "$binary" ]; then
  builder="$cache/bin/builder"
  if ! "$builder" version 2>/dev/null | grep -q "${BUILDER_VERSION#v}"; then
    note "installing the collector builder $BUILDER_VERSION"
    GOBIN="$cache/bin" go install "go.opentelemetry.io/collector/cmd/builder@$BUILDER_VERSION" >&2
  fi
  note "building the collector from $manifest into $out (first run only)"
  started=$(date +%s)
  mkdir -p "$out"
  # The builder writes its Go sources beside the binary; output_path comes from here so the manifest stays portable.
  sed "s|^dist:|dist:\n  output_path: $out|" "$manifest" >"$out/manifest.yaml"
  "$builder" --config "$out/manifest.yaml" >"$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 1; }
  note "built in $(($(date +%s) - started)) s"
fi
echo "$binary"
