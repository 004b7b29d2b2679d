// The Dockerfile cannot be built on our machines; this reads it and checks the contract the stacks rely on.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONFIG_PATH, GRPC_PORT, HTTP_PORT, LIVENESS_PATH } from "../src/proxy-contract.js";

const dockerfile = readFileSync(new URL("../../Dockerfile", import.meta.url), "utf8");
const dockerignore = readFileSync(new URL("../../.dockerignore", import.meta.url), "utf8").split("\n");
const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));

describe("Dockerfile", () => {
  it("builds in one stage and runs from a second one on Node 24", () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-[a-z]+-slim$/m);
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
  });

  it("starts the proxy so that the task definition's command (serve --config PATH) completes it", () => {
    expect(runtimeStage).toContain('ENTRYPOINT ["node", "app/dist/main.js"]');
    expect(runtimeStage).toContain(`CMD ["serve", "--config", "${CONFIG_PATH}"]`);
  });

  it("runs as the non-root node user (uid 1000) with a health check on /healthz", () => {
    expect(runtimeStage).toMatch(/^USER node$/m);
    expect(runtimeStage).toContain(`http://127.0.0.1:${HTTP_PORT}${LIVENESS_PATH}`);
    expect(runtimeStage).toMatch(new RegExp(`^EXPOSE ${GRPC_PORT} ${HTTP_PORT}$`, "m"));
  });

  it("ships production dependencies only, with ibm_db built against the image's Node", () => {
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
    expect(dockerfile).toMatch(/node_modules\/ibm_db && npm run install/);
    expect(runtimeStage).not.toMatch(/COPY --from=build .*\/src\/infra/);
  });

  it("keeps secrets and build output of the host out of the context", () => {
    for (const entry of ["**/node_modules", ".git", "infra/**", "!infra/package.json", ".env", "*.pem", "*.key"]) {
      expect(dockerignore).toContain(entry);
    }
  });
});
