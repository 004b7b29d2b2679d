// The Dockerfile's contract with the stacks. The image itself is built and run by .ci/image.sh (podman);
// this reads the file so a change that breaks the stacks' assumptions fails fast, without a build.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONFIG_DIR, CONFIG_PATH, GRPC_PORT, HTTP_PORT, LIVENESS_PATH } from "../src/proxy-contract.js";

const dockerfile = readFileSync(new URL("../../Dockerfile", import.meta.url), "utf8");
const dockerignore = readFileSync(new URL("../../.dockerignore", import.meta.url), "utf8").split("\n");
const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));

describe("Dockerfile", () => {
  it("takes its base images as build arguments (official images by default) and builds in two stages", () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-[a-z]+-slim$/m);
    expect(dockerfile).toMatch(/^ARG RUNTIME_IMAGE=debian:[a-z]+-slim$/m);
    expect(dockerfile.match(/^FROM /gm)).toEqual(["FROM ", "FROM "]);
    // Dockerfile variables, not JavaScript templates.
    expect(dockerfile).toContain(["FROM $", "{NODE_IMAGE} AS build"].join(""));
    expect(dockerfile).toContain(["FROM $", "{RUNTIME_IMAGE} AS runtime"].join(""));
  });

  it("starts the proxy so that the task definition's command (serve --config PATH) completes it", () => {
    expect(runtimeStage).toContain('ENTRYPOINT ["node", "app/dist/main.js"]');
    expect(runtimeStage).toContain(`CMD ["serve", "--config", "${CONFIG_PATH}"]`);
  });

  it("runs as the non-root node user (uid 1000) with a health check on /healthz", () => {
    expect(runtimeStage).toMatch(/^USER node$/m);
    expect(runtimeStage).toMatch(/useradd --uid 1000 --gid node/);
    expect(runtimeStage).toContain(`http://127.0.0.1:${HTTP_PORT}${LIVENESS_PATH}`);
    expect(runtimeStage).toMatch(new RegExp(`^EXPOSE ${GRPC_PORT} ${HTTP_PORT}$`, "m"));
  });

  it("ships the generated descriptor set that server reflection reads at start", () => {
    expect(runtimeStage).toContain("app/src/gen/descriptors.binpb");
  });

  it("takes IBM's CLI driver from the PyPI wheel, pinned by version and sha256, and keeps its layout", () => {
    expect(dockerfile).toMatch(/^ARG IBM_DB_WHEEL_VERSION=\d+\.\d+\.\d+$/m);
    expect(dockerfile).toMatch(/^ARG IBM_DB_WHEEL_SHA256=[0-9a-f]{64}$/m);
    expect(dockerfile).toMatch(/sha256sum -c/);
    expect(dockerfile).toMatch(/IBM_DB_HOME=\/opt\/ibm\/clidriver npm_config_nodedir=\/usr\/local npm run install/);
    // libdb2's RPATH is $ORIGIN/../../ibm_db.libs: the runtime needs both folders side by side.
    expect(runtimeStage).toContain("COPY --from=build --chown=root:root /opt/ibm /opt/ibm");
  });

  it("ships production dependencies only (the workspace's own too), pruned of what Node never loads", () => {
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
    expect(dockerfile).toContain("RUN node /tmp/prune-node-modules.mjs /src/node_modules /src/app/node_modules");
    expect(runtimeStage).toContain("COPY --from=build --chown=root:root /src/app/node_modules app/node_modules");
    expect(dockerignore).toContain("!infra/image/");
    expect(runtimeStage).not.toMatch(/COPY --from=build .*\/src\/infra/);
    expect(runtimeStage).not.toMatch(/node_modules\/npm|include\/node/);
  });

  it("lets the init container write the config as uid 1000 into an empty task volume", () => {
    expect(runtimeStage).toMatch(new RegExp(`chown -R node:node ${CONFIG_DIR}`));
    expect(runtimeStage).toContain(`VOLUME ["${CONFIG_DIR}"`);
  });

  it("keeps secrets and build output of the host out of the context", () => {
    for (const entry of ["**/node_modules", ".git", "infra/**", "!infra/package.json", ".env", "*.pem", "*.key"]) {
      expect(dockerignore).toContain(entry);
    }
  });
});
