#!/usr/bin/env bash
# Regenerates gen/ from the repository's proto/ (API v1) with buf and pinned Go plugins (installed once into a
# cache folder, so the generated headers name the same versions on every machine). Never edit gen/.
set -euo pipefail
cd "$(dirname "$0")"
root="$(cd ../.. && pwd)"
bin="${XDG_CACHE_HOME:-$HOME/.cache}/informix-grpc-proxy/go-bin"
mkdir -p "$bin"
[ -x "$bin/protoc-gen-go" ] || GOBIN="$bin" go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
[ -x "$bin/protoc-gen-go-grpc" ] || GOBIN="$bin" go install google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.6.2
rm -rf gen
PATH="$bin:$PATH" "$root/node_modules/.bin/buf" generate "$root/proto" --template buf.gen.yaml --path "$root/proto/informix/proxy"
