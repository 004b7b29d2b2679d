// The numbers the kit reports and the CI gate that reads them: percentiles by ghz's rule, ghz's nanoseconds
// turned into milliseconds, and .ci/tools-load-test-check.mjs passing and failing on a real summary file.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { ScenarioResult } from "./report.js";
import { nearestRank, statsFromGhz, statsFromLatencies } from "./stats.js";

const repoRoot = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
const checkScript = join(repoRoot, ".ci", "tools-load-test-check.mjs");
const dir = mkdtempSync(join(tmpdir(), "igp-load-check-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("percentiles and ghz reports", () => {
  it("takes the nearest rank the way ghz's reporter does", () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([50, 95, 99].map((p) => nearestRank(hundred, p))).toEqual([50, 95, 99]);
    const ten = Array.from({ length: 10 }, (_, i) => i + 1);
    // 0.99 * 10 = 9.9 -> index 9; 0.5 * 10 = 5 is whole -> index 4.
    expect(nearestRank(ten, 99)).toBe(10);
    expect(nearestRank(ten, 50)).toBe(5);
    expect(nearestRank([], 50)).toBeNaN();
  });

  it("computes rps over calls including errors, latencies over successful calls", () => {
    const stats = statsFromLatencies([4, 1, 3, 2], 1, 500);
    expect(stats).toMatchObject({ count: 5, errors: 1, errorRatio: 0.2, rps: 10, meanMs: 2.5, p50Ms: 2, p99Ms: 4 });
  });

  it("reads ghz's JSON: nanoseconds to milliseconds, non-OK statuses as errors", () => {
    const stats = statsFromGhz({
      count: 100,
      total: 1e9,
      average: 2_500_000,
      rps: 100,
      statusCodeDistribution: { OK: 98, Unavailable: 2 },
      latencyDistribution: [
        { percentage: 50, latency: 2_000_000 },
        { percentage: 95, latency: 5_000_000 },
        { percentage: 99, latency: 9_000_000 },
      ],
    });
    expect(stats).toEqual({
      count: 100,
      errors: 2,
      errorRatio: 0.02,
      rps: 100,
      meanMs: 2.5,
      p50Ms: 2,
      p95Ms: 5,
      p99Ms: 9,
    });
    expect(statsFromGhz({ count: 0, total: 0, average: 0, rps: 0, latencyDistribution: null }).p99Ms).toBeNaN();
  });
});

function scenario(name: string, rps: number, p99Ms: number, errors = 0): ScenarioResult {
  return {
    name,
    role: name.startsWith("proxy") ? "proxy" : "baseline",
    description: name,
    loadAverageAtStart: 0,
    nodeCpuMsPerCall: 0.1,
    count: 1000,
    errors,
    errorRatio: errors / 1000,
    rps,
    meanMs: 1,
    p50Ms: 1,
    p95Ms: 2,
    p99Ms,
  };
}

function check(scenarios: ScenarioResult[], thresholds: unknown) {
  const summaryPath = join(dir, "summary.json");
  const thresholdsPath = join(dir, "thresholds.json");
  writeFileSync(summaryPath, JSON.stringify({ scenarios }));
  writeFileSync(thresholdsPath, JSON.stringify(thresholds));
  const run = spawnSync(process.execPath, [checkScript, summaryPath, thresholdsPath], { encoding: "utf8" });
  return { code: run.status, output: run.stdout + run.stderr };
}

describe(".ci/tools-load-test-check.mjs on a summary", () => {
  const limits = {
    "proxy-select-1": {
      minRps: 1000,
      maxP99Ms: 50,
      maxErrorRatio: 0.001,
      minRpsVsBaseline: { baseline: "grpc-js-echo", ratio: 0.2 },
    },
  };

  it("passes when every limit holds", () => {
    const result = check([scenario("grpc-js-echo", 5000, 5), scenario("proxy-select-1", 2000, 20)], limits);
    expect(result.output).toContain("4 passed, 0 failed");
    expect(result.code).toBe(0);
  });

  it("fails on throughput, p99, errors and the share of the baseline", () => {
    const result = check([scenario("grpc-js-echo", 50_000, 5), scenario("proxy-select-1", 900, 80, 5)], limits);
    expect(result.output).toMatch(/FAIL proxy-select-1 throughput/);
    expect(result.output).toMatch(/FAIL proxy-select-1 p99 latency/);
    expect(result.output).toMatch(/FAIL proxy-select-1 error ratio/);
    expect(result.output).toMatch(/FAIL proxy-select-1 rps \/ grpc-js-echo rps/);
    expect(result.code).toBe(1);
  });

  it("fails when a scenario with thresholds, or its baseline, is missing from the summary", () => {
    expect(check([scenario("grpc-js-echo", 5000, 5)], limits).code).toBe(1);
    expect(check([scenario("proxy-select-1", 2000, 20)], limits).code).toBe(1);
  });

  it("fails on a missing percentile rather than passing it", () => {
    const result = check([scenario("grpc-js-echo", 5000, 5), scenario("proxy-select-1", 2000, Number.NaN)], limits);
    expect(result.output).toMatch(/FAIL proxy-select-1 p99 latency/);
    expect(result.code).toBe(1);
  });

  it("refuses a file that is not a summary (a raw ghz report)", () => {
    writeFileSync(join(dir, "ghz.json"), JSON.stringify({ count: 1, rps: 1 }));
    writeFileSync(join(dir, "t.json"), JSON.stringify(limits));
    const run = spawnSync(process.execPath, [checkScript, join(dir, "ghz.json"), join(dir, "t.json")]);
    expect(run.status).toBe(2);
  });
});
