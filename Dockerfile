# syntax=docker/dockerfile:1.7
# informix-grpc-proxy container image. Built by .github/workflows/release.yml (not on developer machines).
#   docker build -t informix-grpc-proxy .
#   docker run -p 50051:50051 -p 9090:9090 informix-grpc-proxy        # embedded SQLite demo
# Production deployments mount their own /etc/informix-grpc-proxy/config.yaml (see docs/deploying.md).

ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: compile TypeScript and build ibm_db with IBM's CLI driver --------------------------------
FROM ${NODE_IMAGE} AS build
# node-gyp needs a compiler and Python for ibm_db's native addon.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
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
# Production dependencies only, then ibm_db's install script: it downloads IBM's CLI driver
# (set IBM_DB_HOME to a pre-downloaded clidriver to build without reaching IBM) and compiles the addon
# against this image's Node.
RUN npm prune --omit=dev --workspace app --include-workspace-root --ignore-scripts --no-audit --no-fund \
 && cd node_modules/ibm_db && npm run install \
 && test -d installer/clidriver/lib

# ---- runtime ------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    LD_LIBRARY_PATH=/app/node_modules/ibm_db/installer/clidriver/lib
WORKDIR /app
COPY --from=build --chown=root:root /src/node_modules node_modules
COPY --from=build --chown=root:root /src/app/package.json app/package.json
COPY --from=build --chown=root:root /src/app/dist app/dist
COPY --from=build --chown=root:root /src/package.json package.json
# Default config: the SQLite demo, listening on all interfaces (the container is the boundary).
# Deployments replace the whole /etc/informix-grpc-proxy directory.
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
 && chown node:node /var/lib/informix-grpc-proxy
# The image's "node" user (uid 1000); ECS and Kubernetes run it as 1000:1000 as well.
USER node
EXPOSE 50051 9090
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9090/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "app/dist/main.js"]
CMD ["serve", "--config", "/etc/informix-grpc-proxy/config.yaml"]
