// Capacity from one budget: the environment file sizes the pool, the session limits and the statement timeouts,
// and synth refuses a fleet that could open more connections than the database grants.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ENVIRONMENTS, loadEnvironmentConfig, validateEnvironment } from "../src/config/load.js";
import { peakTasks } from "../src/config/schema.js";
import { renderProxyConfig } from "../src/proxy-config.js";

const prod = ENVIRONMENTS.prod;
if (!prod) throw new Error("prod environment missing");

describe("connection budget", () => {
  it.each(Object.keys(ENVIRONMENTS))("%s: peak tasks × pool.max fits the database's budget", (name) => {
    const config = loadEnvironmentConfig(name);
    const { poolMax, databaseConnectionBudget } = config.proxy.capacity;
    expect(peakTasks(config) * poolMax).toBeLessThanOrEqual(databaseConnectionBudget);
  });

  it("counts the tasks a deployment starts beside the old ones (ECS 200 %, Kubernetes maxSurge 1)", () => {
    expect(peakTasks(loadEnvironmentConfig("prod"))).toBe(24);
    expect(peakTasks(loadEnvironmentConfig("staging-eks"))).toBe(7);
  });

  it("refuses at synth a fleet whose pools could exceed the budget, and says by how much", () => {
    expect(() =>
      validateEnvironment("prod", {
        ...prod,
        proxy: { ...prod.proxy, capacity: { ...prod.proxy?.capacity, databaseConnectionBudget: 200 } },
      }),
    ).toThrow(/24 tasks at peak .* pool\.max 10 = 240 connections exceed the database's budget of 200/);
    expect(() => validateEnvironment("prod", { ...prod, fargate: { ...prod.fargate, maxCount: 20 } })).toThrow(
      /40 tasks at peak/,
    );
  });

  it("refuses more sessions than pooled connections (each session pins one)", () => {
    expect(() =>
      validateEnvironment("prod", {
        ...prod,
        proxy: { ...prod.proxy, capacity: { ...prod.proxy?.capacity, maxSessions: 11 } },
      }),
    ).toThrow(/maxSessions 11 must not exceed poolMax 10/);
  });
});

describe("the proxy configuration carries the budget's numbers", () => {
  it("pool, sessions and statement timeouts come from the environment file", () => {
    const config = loadEnvironmentConfig("prod");
    const rendered = parse(
      renderProxyConfig({
        config,
        informixHost: "informix.internal",
        informixUser: { env: "U" },
        informixPassword: { env: "P" },
        apiKeyHashes: { env: "K" },
        tls: { cert: { secret: { env: "C" } }, key: { secret: { env: "K2" } } },
      }),
    );
    expect(rendered.databases.informix.pool).toEqual({ max: 10, minIdle: 2 });
    expect(rendered.sessions).toEqual({ maxTotal: 8, maxPerCaller: 4 });
    expect(rendered.limits).toEqual({ statementTimeoutMs: 30_000, maxStatementTimeoutMs: 300_000 });
  });
});

describe("environment files", () => {
  it("are YAML files named after the environment they describe", () => {
    expect(Object.keys(ENVIRONMENTS).sort()).toEqual(["dev", "prod", "staging-eks"]);
    for (const [file, input] of Object.entries(ENVIRONMENTS)) expect(input.name).toBe(file);
  });
});

describe("gRPC behind the NLB", () => {
  it("pings idle connections well inside the NLB's 350 s idle timeout and ages connections out", () => {
    const config = loadEnvironmentConfig("prod");
    const rendered = parse(
      renderProxyConfig({
        config,
        informixHost: "informix.internal",
        informixUser: { env: "U" },
        informixPassword: { env: "P" },
        apiKeyHashes: { env: "K" },
        tls: { cert: { secret: { env: "C" } }, key: { secret: { env: "K2" } } },
      }),
    );
    expect(rendered.server.keepalive.timeMs).toBeLessThan(350_000);
    expect(rendered.server.keepalive.maxConnectionAgeMs).toBeGreaterThan(0);
    expect(rendered.server.keepalive.maxConnectionAgeGraceMs).toBe(config.proxy.drainTimeoutMs);
  });

  it("refuses a keepalive interval the NLB would cut", () => {
    expect(() =>
      validateEnvironment("prod", { ...prod, proxy: { ...prod.proxy, grpc: { keepaliveTimeMs: 400_000 } } }),
    ).toThrow(/keepaliveTimeMs/);
  });
});
