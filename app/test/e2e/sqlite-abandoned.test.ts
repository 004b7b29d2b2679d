// A long SQLite statement past its deadline, through a real client: the caller gets DEADLINE_EXCEEDED on time,
// the next calls and /healthz are answered at once (the statement runs in a worker thread, not on the event
// loop), and the log line, the metrics and the audit record say DEADLINE_EXCEEDED, not OK. Times are printed,
// not asserted (the timed bar is in load-tests/faults/sqlite-abandoned.ts).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { abandonedThreads } from "../../src/db/drivers/sqlite/index.js";
import type { ExecuteResponse } from "../../src/gen/informix/proxy/v1/sql_service.js";
import { call, execRequest, expectStatus, plain } from "../support/grpc-client.js";
import { captureLogs } from "../support/log-capture.js";
import { startTestProxy, type TestProxy } from "../support/test-proxy.js";

// One SQLite step: count(*) returns nothing until the whole series is counted (seconds), so the worker
// cannot be stopped between rows; the statement runs on in its abandoned thread and is counted there.
const LONG_COUNT =
  "SELECT count(*) FROM (WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 20000000) SELECT n FROM s)";

function healthz(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    get({ host: "127.0.0.1", port, path: "/healthz" }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    }).on("error", reject);
  });
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: Math.round((performance.now() - started) * 10) / 10 };
}

describe("an abandoned SQLite statement", () => {
  const dir = mkdtempSync(join(tmpdir(), "igp-abandoned-"));
  const auditFile = join(dir, "audit.jsonl");
  const logs = captureLogs("info");
  let t: TestProxy;

  beforeAll(async () => {
    t = await startTestProxy("sqlite", {
      logger: logs.logger,
      configPatch: { audit: { enabled: true, destination: { file: auditFile } } },
    });
    // Warm the pool: the probes below must find a connection ready, as in a running proxy. The standby workers
    // started meanwhile compile their TypeScript in the test run; they are given a moment to finish.
    await Promise.all([1, 2].map(() => call(t.client, "execute", execRequest({ sql: "SELECT 1" }))));
    await new Promise((r) => setTimeout(r, 2000));
  });

  afterAll(async () => {
    await t?.close();
    // The abandoned threads finish their count and exit; the test process can then exit too.
    await vi.waitFor(() => expect(abandonedThreads.count()).toBe(0), { timeout: 120_000, interval: 200 });
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers DEADLINE_EXCEEDED on time while the next calls and /healthz are served at once", async () => {
    const deadlineMs = 500;
    const slow = timed(() =>
      expectStatus(
        call(t.client, "execute", execRequest({ sql: LONG_COUNT }), { deadline: Date.now() + deadlineMs }),
        status.DEADLINE_EXCEEDED,
      ),
    );
    // While it runs.
    await new Promise((r) => setTimeout(r, 150));
    const during = await timed(() =>
      call<unknown, ExecuteResponse>(t.client, "execute", execRequest({ sql: "SELECT 1" })),
    );
    const healthDuring = await timed(() => healthz(t.proxy.httpPort));
    const { ms: slowMs } = await slow;
    // Right after it was given up: its thread may still be counting.
    const after = await timed(() =>
      call<unknown, ExecuteResponse>(t.client, "execute", execRequest({ sql: "SELECT 2" })),
    );
    const healthAfter = await timed(() => healthz(t.proxy.httpPort));
    console.log(
      `abandoned statement: DEADLINE_EXCEEDED after ${slowMs} ms (deadline ${deadlineMs} ms); ` +
        `SELECT 1 during it ${during.ms} ms, /healthz ${healthDuring.ms} ms; ` +
        `SELECT 2 after it ${after.ms} ms, /healthz ${healthAfter.ms} ms; ` +
        `abandoned threads still running: ${abandonedThreads.count()}`,
    );
    expect(plain(during.value.rows[0]?.values[0])).toBe(1n);
    expect(plain(after.value.rows[0]?.values[0])).toBe(2n);
    expect([healthDuring.value, healthAfter.value]).toEqual([200, 200]);

    // The log line and the metrics record what the client saw.
    const line = logs
      .records()
      .find((r) => r.msg === "rpc" && r.code !== "OK" && String(r.method).endsWith("/Execute"));
    expect(line?.code).toBe("DeadlineExceeded");
    const handled = await t.proxy.metrics.grpcHandled.get();
    const deadlineExceeded = handled.values.find(
      (v) => v.labels.grpc_method === "Execute" && v.labels.grpc_code === "DeadlineExceeded",
    );
    expect(deadlineExceeded?.value).toBe(1);
    const text = await t.proxy.metrics.registry.metrics();
    expect(text).toMatch(/^proxy_sqlite_abandoned_statements_total [1-9]/m);
    expect(text).toMatch(/^proxy_sqlite_abandoned_threads \d+/m);
    const warning = logs.records().find((r) => String(r.msg).startsWith("SQLite statement abandoned"));
    expect(warning).toMatchObject({ next: "fresh worker" });
  });

  it("reports a statement timeout (timeout_ms) as DEADLINE_EXCEEDED too", async () => {
    const { errorInfo } = await expectStatus(
      call(t.client, "execute", execRequest({ sql: LONG_COUNT, timeoutMs: 300 })),
      status.DEADLINE_EXCEEDED,
    );
    expect(errorInfo?.reason).toBe("STATEMENT_TIMEOUT");
    const result = await call<unknown, ExecuteResponse>(t.client, "execute", execRequest({ sql: "SELECT 3" }));
    expect(plain(result.rows[0]?.values[0])).toBe(3n);
  });

  it("leaves audit records that say DeadlineExceeded", async () => {
    await t.close(); // flushes the audit file
    const records = readFileSync(auditFile, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const long = records.filter((r) => r.fingerprint === records.find((x) => x.status !== "OK")?.fingerprint);
    expect(long.map((r) => r.status)).toEqual(["DeadlineExceeded", "DeadlineExceeded"]);
    expect(records.filter((r) => r.status === "OK")).toHaveLength(5);
  });
});
