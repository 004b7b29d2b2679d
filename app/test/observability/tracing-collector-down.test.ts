// Tracing never holds a call back: with the collector unreachable every call still succeeds, and what cannot be
// delivered is counted (export_failed), and what does not fit the bounded queue is dropped and counted (queue_full).
// Runs the proxy in this process: tracing registers the OpenTelemetry globals for this test file's worker only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, execRequest } from "../support/grpc-client.js";
import { freePort } from "../support/otel-collector.js";
import { startTestProxy, type TestProxy } from "../support/test-proxy.js";

const CALLS = 60;
/** Calls that warm the pool before the burst; their spans are dropped and counted too. */
const WARM_UP = 10;

describe("tracing with the collector down", () => {
  let t: TestProxy;
  let metrics = "";
  let results: PromiseSettledResult<unknown>[];
  beforeAll(async () => {
    const deadPort = await freePort(); // nothing listens there
    t = await startTestProxy("sqlite", {
      configPatch: {
        tracing: {
          enabled: true,
          endpoint: `http://127.0.0.1:${deadPort}`,
          protocol: "http/protobuf",
          maxQueueSize: 20,
          exportTimeoutMs: 500,
        },
      },
    });
    // Each SQLite connection starts a worker thread: the pool is warmed first, so the burst below arrives at once.
    await Promise.all(
      Array.from({ length: WARM_UP }, () => call(t.client, "execute", execRequest({ sql: "SELECT 1" }))),
    );
    results = await Promise.allSettled(
      Array.from({ length: CALLS }, () => call(t.client, "execute", execRequest({ sql: "SELECT 1" }))),
    );
    // The queue exports after its scheduled delay (1 s); a refused connection fails the export at once.
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      metrics = await (await fetch(`http://127.0.0.1:${t.proxy.httpPort}/metrics`)).text();
      if (/proxy_trace_spans_dropped_total\{reason="export_failed"\} [1-9]/.test(metrics)) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it("answers every call", () => {
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
  });

  it("counts spans it could not deliver, and spans beyond the queue bound", () => {
    const count = (reason: string) =>
      Number(new RegExp(`^proxy_trace_spans_dropped_total\\{reason="${reason}"\\} (\\d+)$`, "m").exec(metrics)?.[1]);
    expect(count("export_failed")).toBeGreaterThan(0);
    // 60 calls of 3 spans each (server, pool acquire, statement) into a queue of 20.
    expect(count("queue_full")).toBeGreaterThan(0);
    expect(count("export_failed") + count("queue_full")).toBeLessThanOrEqual((CALLS + WARM_UP) * 3);
    expect(metrics).toMatch(/^proxy_trace_spans_exported_total 0$/m);
  });
});
