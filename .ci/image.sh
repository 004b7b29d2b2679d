#!/usr/bin/env bash
# Builds the container image with podman and runs it for real (docs/deploying.md, "The image"):
#   bases built locally (.ci/image-bases.sh), the Dockerfile's base images passed as build arguments;
#   the image's size and cold start within their bounds; non-root; ibm_db loads with the IBM CLI driver;
#   the embedded demo answers grpcurl from the host; HEALTHCHECK reports healthy; the ECS init container
#   (same command, same uid, read-only root) writes a PostgreSQL config into an empty volume and the proxy
#   serves it against a PostgreSQL running on the host (host networking).
# Needs root, podman, runc (apt-get install podman runc debootstrap), go (grpcurl), and `npm ci` done.
# Prints "image: N passed, M failed" and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
root="$PWD"
export CONTAINERS_CONF="$root/.ci/image/containers.conf"
# Bounds that fail the stage when the image grows or slows down (measured: see docs/deploying.md).
IMAGE_SIZE_MAX_MB="${IMAGE_SIZE_MAX_MB:-360}"
COLD_START_MAX_MS="${COLD_START_MAX_MS:-8000}"
image="localhost/informix-grpc-proxy:ci"
tag="igp-ci-$$"
work="$(mktemp -d)"
passed=0
failed=0
pg_pid=""
cleanup() {
  podman ps -a --filter "label=igp-ci=$tag" -q | xargs -r podman rm -f >/dev/null 2>&1
  exec 7>&- 2>/dev/null
  podman volume ls --filter "label=igp-ci=$tag" -q | xargs -r podman volume rm -f >/dev/null 2>&1
  [ -n "$pg_pid" ] && kill "$pg_pid" 2>/dev/null && wait "$pg_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

check() { # name, command...: counts one check
  local name="$1"
  shift
  if "$@" >"$work/check.log" 2>&1; then
    echo "ok   $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name"
    sed 's/^/     /' "$work/check.log" | tail -30
    failed=$((failed + 1))
  fi
}
finish() {
  echo "image: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

if ! command -v podman >/dev/null || ! command -v runc >/dev/null; then
  echo "installing podman, runc, debootstrap (Debian packages)"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc debootstrap) >"$work/apt.log" 2>&1 \
    || { tail -20 "$work/apt.log"; failed=1; finish; }
fi
gobin="$(go env GOPATH)/bin"
[ -x "$gobin/grpcurl" ] || go install github.com/fullstorydev/grpcurl/cmd/grpcurl@v1.9.3 >"$work/go.log" 2>&1
grpcurl="$gobin/grpcurl"

# ---- build ---------------------------------------------------------------------------------------------
read -r debian_image node_image < <(bash .ci/image-bases.sh) || { echo "FAIL base images"; failed=1; finish; }
build_args=(--format docker --build-arg NODE_IMAGE="$node_image" --build-arg RUNTIME_IMAGE="$debian_image")
# A TLS-inspecting egress proxy on this machine: hand its CA bundle to pip and npm inside the build.
ca="${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}"
if [ -f "$ca" ]; then
  build_args+=(-v "$ca:/run/host-ca.crt:ro" --build-arg PIP_CERT=/run/host-ca.crt --build-arg npm_config_cafile=/run/host-ca.crt)
fi
start=$(date +%s)
build() { podman build "${build_args[@]}" -t "$image" . >"$work/build.log" 2>&1 || { tail -40 "$work/build.log"; return 1; }; }
check "podman build (bases $debian_image, $node_image)" build
echo "     build took $(($(date +%s) - start)) s"
podman image exists "$image" || finish

size_mb=$(($(podman image inspect "$image" --format '{{.Size}}') / 1000000))
echo "     image size: $size_mb MB (bound $IMAGE_SIZE_MAX_MB MB)"
check "image size $size_mb MB <= $IMAGE_SIZE_MAX_MB MB" test "$size_mb" -le "$IMAGE_SIZE_MAX_MB"

# No periodic health timers (they need systemd); `podman healthcheck run` runs the image's check on demand.
run() { podman run --label "igp-ci=$tag" --health-interval disable "$@"; }

# ---- the image's own contract ---------------------------------------------------------------------------
non_root() {
  [ "$(podman image inspect "$image" --format '{{.Config.User}}')" = node ] || return 1
  run --rm --entrypoint id "$image" | tee /dev/stderr | grep -q '^uid=1000(node) gid=1000(node)'
}
check "runs as the non-root user node (1000:1000)" non_root

# ibm_db loads with the CLI driver and really talks TCP: a refused connection is the driver's SQL30081N.
ibm_db_loads() {
  run --rm --read-only --network none --entrypoint node "$image" -e '
    const ibmdb = require("ibm_db");
    try { ibmdb.openSync("DATABASE=stores;HOSTNAME=127.0.0.1;PORT=1;PROTOCOL=TCPIP;UID=u;PWD=p;CONNECTTIMEOUT=5"); process.exit(2); }
    catch (e) { const m = String(e.message ?? e); console.log(m.slice(0, 200)); process.exit(/SQL30081N/.test(m) ? 0 : 1); }'
}
check "ibm_db loads with the IBM CLI driver (refused connection = SQL30081N)" ibm_db_loads

# ---- the embedded default, cold start, HEALTHCHECK -------------------------------------------------------
grpc_port=$(node_modules/.bin/node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
http_port=$(node_modules/.bin/node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
t0=$(date +%s%N)
run -d --name "$tag-demo" --read-only -p "127.0.0.1:$grpc_port:50051" -p "127.0.0.1:$http_port:9090" "$image" \
  >/dev/null 2>>"$work/podman.err"
ready_ms=""
for _ in $(seq 1 300); do
  if curl -sf "http://127.0.0.1:$http_port/healthz" >/dev/null 2>&1; then ready_ms=$((($(date +%s%N) - t0) / 1000000)); break; fi
  sleep 0.05
done
echo "     cold start (podman run to /healthz 200): ${ready_ms:-never} ms (bound $COLD_START_MAX_MS ms)"
check "cold start ${ready_ms:-never} ms <= $COLD_START_MAX_MS ms" test "${ready_ms:-999999}" -le "$COLD_START_MAX_MS"
grpc_demo() {
  "$grpcurl" -plaintext "127.0.0.1:$grpc_port" list | grep -q informix.proxy.v1.SqlService &&
    "$grpcurl" -plaintext -d '{"sql":"SELECT count(*) AS n FROM customer"}' "127.0.0.1:$grpc_port" \
      informix.proxy.v1.SqlService/Execute | tee /dev/stderr | grep -q '"int64Value"' &&
    "$grpcurl" -plaintext "127.0.0.1:$grpc_port" grpc.health.v1.Health/Check | grep -q SERVING
}
check "embedded demo: grpcurl from the host lists, queries and checks health" grpc_demo
healthcheck() {
  podman inspect "$tag-demo" --format '{{.Config.Healthcheck.Test}}' | tee /dev/stderr | grep -q healthz &&
    podman healthcheck run "$tag-demo" 2>>"$work/podman.err"
}
check "HEALTHCHECK (the image's own, on /healthz) reports healthy" healthcheck
podman logs "$tag-demo" >"$work/demo.log" 2>&1
podman rm -f "$tag-demo" >/dev/null 2>>"$work/podman.err"

# ---- ECS init-container path + PostgreSQL on the host ------------------------------------------------------
mkfifo "$work/pg.in"
(cd app && exec npx tsx ../.ci/image/start-postgres.ts <"$work/pg.in" >"$work/pg.out" 2>"$work/pg.err") &
pg_pid=$!
exec 7>"$work/pg.in"
for _ in $(seq 1 600); do grep -q '"port"' "$work/pg.out" 2>/dev/null && break; sleep 0.1; done
pg_info="$(head -1 "$work/pg.out")"
pg() { node_modules/.bin/node -e "console.log(JSON.parse(process.argv[1])[process.argv[2]])" "$pg_info" "$1"; }
if [ -z "$pg_info" ]; then
  cat "$work/pg.err" | tail -20
  echo "FAIL PostgreSQL on the host did not start"
  failed=$((failed + 1))
  finish
fi
pg_grpc=$(node_modules/.bin/node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
pg_http=$(node_modules/.bin/node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
config="$(cat <<YAML
server: { host: 127.0.0.1, grpcPort: $pg_grpc, httpPort: $pg_http }
databases:
  main:
    driver: postgres
    host: 127.0.0.1
    port: $(pg port)
    database: $(pg database)
    user: $(pg user)
    password: { env: PG_PASSWORD }
    default: true
YAML
)"
entrypoint="$(cd infra && npx tsx -e 'import("./src/proxy-contract.ts").then(m => console.log(JSON.stringify({ e: m.WRITE_CONFIG_ENTRYPOINT, u: m.CONTAINER_UID, p: m.CONFIG_PATH, d: m.CONFIG_DIR })))')"
field() { node_modules/.bin/node -e "const v=JSON.parse(process.argv[1])[process.argv[2]]; console.log(Array.isArray(v)?v.join('\n'):v)" "$entrypoint" "$1"; }
mapfile -t init_cmd < <(field e)
uid="$(field u)"
config_path="$(field p)"
config_dir="$(field d)"
# Empty task volumes, as Fargate gives them: the image's VOLUME content and ownership are copied in.
podman volume create --label "igp-ci=$tag" "$tag-config" >/dev/null
podman volume create --label "igp-ci=$tag" "$tag-tmp" >/dev/null
init_container() {
  run --rm --read-only --user "$uid" -v "$tag-config:$config_dir" --entrypoint "${init_cmd[0]}" \
    -e PROXY_CONFIG_YAML="$config" "$image" "${init_cmd[@]:1}" "$config_path"
}
check "init container ($uid, read-only root) writes the config into an empty task volume" init_container
run -d --name "$tag-pg" --network host --read-only --user "$uid" -v "$tag-config:$config_dir:ro" -v "$tag-tmp:/tmp" \
  -e PG_PASSWORD="$(pg password)" "$image" serve --config "$config_path" >/dev/null 2>>"$work/podman.err"
for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$pg_http/healthz" >/dev/null 2>&1 && break; sleep 0.05; done
grpc_pg() {
  "$grpcurl" -plaintext -d '{"sql":"SELECT 40 + 2 AS answer, version() AS v"}' "127.0.0.1:$pg_grpc" \
    informix.proxy.v1.SqlService/Execute | tee /dev/stderr | grep -q '"42"' &&
    curl -sf "http://127.0.0.1:$pg_http/readyz" | tee /dev/stderr | grep -qE "\"(status\":\"(ready|ok)|ready\":true)"
}
check "PostgreSQL config (from the init container): the proxy serves it, /readyz ready" grpc_pg
podman logs "$tag-pg" >"$work/pg-proxy.log" 2>&1
no_secrets_logged() { ! grep -F "$(pg password)" "$work/pg-proxy.log" "$work/demo.log"; }
check "no database password in the container logs" no_secrets_logged
finish
