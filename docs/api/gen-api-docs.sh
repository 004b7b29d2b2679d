#!/usr/bin/env bash
# Regenerates docs/api/reference.{md,html} from the comments in proto/ (API v1, the legacy compatibility API and
# the google.rpc error details) with protoc-gen-doc, installed once at a pinned version into a cache folder.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${XDG_CACHE_HOME:-$HOME/.cache}/informix-grpc-proxy/go-bin"
mkdir -p "$bin"
[ -x "$bin/protoc-gen-doc" ] ||
  GOFLAGS=-buildvcs=false GOBIN="$bin" go install github.com/pseudomuto/protoc-gen-doc/cmd/protoc-gen-doc@v1.5.1
PATH="$bin:$PATH" node_modules/.bin/buf generate proto --template docs/api/buf.gen.yaml \
  --path proto/informix --path proto/google/rpc
