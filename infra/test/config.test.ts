import { describe, expect, it } from "vitest";
import { ENVIRONMENTS, loadEnvironmentConfig } from "../src/config/load.js";
import { EnvironmentConfig, type EnvironmentConfigInput, stopTimeoutSeconds } from "../src/config/schema.js";

const base = ENVIRONMENTS.dev as EnvironmentConfigInput;

describe("environment configuration", () => {
  it("accepts every shipped environment", () => {
    for (const name of Object.keys(ENVIRONMENTS)) {
      expect(loadEnvironmentConfig(name).name).toBe(name);
    }
  });

  it("rejects an unknown environment with the list of known ones", () => {
    expect(() => loadEnvironmentConfig("qa")).toThrow(/unknown environment "qa"; known: dev, prod/);
  });

  it("rejects a CPU/memory pair that Fargate does not offer", () => {
    const result = EnvironmentConfig.safeParse({ ...base, fargate: { cpu: 256, memoryMiB: 4096 } });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain("Fargate accepts 512, 1024, 2048 MiB");
  });

  it("rejects a drain timeout that would not fit Fargate's 120 s stop timeout", () => {
    const result = EnvironmentConfig.safeParse({ ...base, proxy: { drainTimeoutMs: 110_000 } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["proxy", "drainTimeoutMs"]);
  });

  it("requires the eks section on the eks platform", () => {
    const result = EnvironmentConfig.safeParse({ ...base, platform: "eks" });
    expect(result.error?.issues.map((i) => i.path.join("."))).toContain("eks");
  });

  it("takes an image digest from the deploy workflow", () => {
    const digest = `sha256:${"a".repeat(64)}`;
    expect(loadEnvironmentConfig("prod", { image: digest }).image.tag).toBe(digest);
  });

  it("stops a task later than the proxy's drain timeout", () => {
    expect(stopTimeoutSeconds(30_000)).toBeGreaterThan(30);
  });
});
