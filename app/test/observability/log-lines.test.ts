// Every line the proxy logs during a workload (at trace level, both drivers, a leak detector that fires) is read
// strictly: valid JSON, no key twice at any depth, no parameter value.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/observability/logger.js";
import { parseStrictJson } from "../support/strict-json.js";
import { DRIVERS, startTestProxy, type TestProxy } from "../support/test-proxy.js";
import { runWorkload } from "../support/workload.js";

describe("strict JSON reader", () => {
  it("finds a repeated key at any depth, and none in a clean line", () => {
    expect(parseStrictJson('{"database":"demo","database":"demo"}').duplicateKeys).toEqual(["database"]);
    expect(parseStrictJson('{"a":{"b":1,"c":[{"d":1,"d":2}],"b":"x\\"}"}}').duplicateKeys).toEqual(["a.c.0.d", "a.b"]);
    expect(parseStrictJson('{"a":"{\\"a\\":1}","b":[1,2,{}],"c":{}}').duplicateKeys).toEqual([]);
  });
});

describe.each(DRIVERS)("log lines of a workload on %s", (driver) => {
  const marker = `LogMarker${randomBytes(4).toString("hex")}`;
  const lines: string[] = [];
  let t: TestProxy;
  beforeAll(async () => {
    t = await startTestProxy(driver, {
      logger: createLogger("trace", { write: (line: string) => void lines.push(line) }),
      pool: { leakDetectionThresholdMs: 10 },
      configPatch: { logging: { level: "trace" } },
    });
    await runWorkload(t.client, { marker });
    await t.close();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("logs the calls, the leak and the lifecycle", () => {
    const messages = lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages.filter((m) => m === "rpc").length).toBeGreaterThanOrEqual(12);
    expect(messages.some((m) => m.includes("leak"))).toBe(true);
    expect(messages).toContain("stopped");
  });

  it("never repeats a key in a line", () => {
    const offending = lines
      .map((line) => ({ line, duplicates: parseStrictJson(line).duplicateKeys }))
      .filter((l) => l.duplicates.length > 0);
    expect(offending).toEqual([]);
  });

  it("never carries a parameter value", () => {
    expect(lines.filter((line) => line.includes(marker))).toEqual([]);
  });
});
