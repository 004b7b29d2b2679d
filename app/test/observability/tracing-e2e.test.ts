// End to end: the built proxy (a real process, tracing on, sampling 0 so only a client's sampled traceparent is
// recorded) exports over OTLP gRPC and OTLP HTTP to a real OpenTelemetry Collector. Each call's span tree, its link
// to the client's parent span, the RPC and database attributes, the absence of parameter values, and the trace_id
// and span_id in the proxy's log lines are read back from what the collector received.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Metadata, type ServiceError } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SqlServiceClient } from "../../src/gen/informix/proxy/v1/sql_service.js";
import { execRequest, newClient, streamRequest, v } from "../support/grpc-client.js";
import { attributesOf, type Collector, type OtlpSpan, startCollector } from "../support/otel-collector.js";

const MAIN = fileURLToPath(new URL("../../dist/main.js", import.meta.url));
const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;

interface ClientTrace {
  traceId: string;
  parentSpanId: string;
  metadata(): Metadata;
}

function clientTrace(): ClientTrace {
  const traceId = randomBytes(16).toString("hex");
  const parentSpanId = randomBytes(8).toString("hex");
  return {
    traceId,
    parentSpanId,
    metadata() {
      const metadata = new Metadata();
      metadata.set("traceparent", `00-${traceId}-${parentSpanId}-01`);
      metadata.set("tracestate", "client=e2e");
      return metadata;
    },
  };
}

function unary(client: SqlServiceClient, request: ReturnType<typeof execRequest>, metadata: Metadata) {
  return new Promise<ServiceError | null>((resolve) => client.execute(request, metadata, (error) => resolve(error)));
}

function stream(client: SqlServiceClient, metadata: Metadata, marker: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let messages = 0;
    const call = client.executeStream(
      streamRequest({
        sql: "SELECT product_id FROM products WHERE name <> ? ORDER BY product_id",
        params: [v.str(marker)],
        fetchSize: 2,
      }),
      metadata,
    );
    call.on("data", () => messages++);
    call.on("error", reject);
    call.on("end", () => resolve(messages));
  });
}

async function until<T>(what: string, read: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let collector: Collector;
let dir: string;
beforeAll(async () => {
  expect(existsSync(MAIN), "app/dist/main.js missing: run `npm run build -w app`").toBe(true);
  dir = mkdtempSync(join(tmpdir(), "igp-trace-"));
  collector = await startCollector(dir);
}, 25 * 60_000);
afterAll(async () => {
  await collector?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.each(["grpc", "http/protobuf"] as const)("traces over OTLP %s to the OpenTelemetry Collector", (protocol) => {
  const marker = `TraceMarker${randomBytes(4).toString("hex")}`;
  const logLines: Record<string, unknown>[] = [];
  const ok = clientTrace();
  const streamed = clientTrace();
  const failed = clientTrace();
  let proxy: ChildProcess;
  let exitCode: number | null = null;
  let spans: OtlpSpan[];

  beforeAll(async () => {
    const name = protocol.replace("/", "-");
    const config = join(dir, `proxy-${name}.yaml`);
    writeFileSync(
      config,
      [
        "server: { grpcPort: 0, httpPort: 0, drainTimeoutMs: 2000 }",
        "databases:",
        `  main: { driver: sqlite, path: ${join(dir, `${name}.db`)}, demo: true }`,
        "audit: { enabled: false }",
        "tracing:",
        "  enabled: true",
        `  endpoint: ${protocol === "grpc" ? collector.grpcEndpoint : collector.httpEndpoint}`,
        `  protocol: ${protocol}`,
        "  sampleRatio: 0",
        "",
      ].join("\n"),
    );
    // No OTEL_* from the runner's environment: the configuration alone decides here.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("OTEL_")));
    proxy = spawn(process.execPath, [MAIN, "serve", "--config", config], { stdio: ["ignore", "pipe", "inherit"], env });
    let buffer = "";
    proxy.stdout?.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) logLines.push(JSON.parse(line) as Record<string, unknown>);
    });
    proxy.once("exit", (code) => {
      exitCode = code;
    });
    const listening = await until("proxy listening", () => logLines.find((l) => l.msg === "proxy listening"));
    const client = newClient(`127.0.0.1:${listening.grpcPort as number}`);
    try {
      expect(
        await unary(
          client,
          execRequest({ sql: "SELECT name FROM products WHERE name = ?", params: [v.str(marker)] }),
          ok.metadata(),
        ),
      ).toBeNull();
      expect(await stream(client, streamed.metadata(), marker)).toBeGreaterThan(3);
      const error = await unary(
        client,
        execRequest({ sql: "SELECT a FROM no_such_table WHERE a = ?", params: [v.str(marker)] }),
        failed.metadata(),
      );
      expect(error?.details).toMatch(/no such table/);
      // No traceparent and a sample ratio of 0: this call leaves no span.
      expect(await unary(client, execRequest({ sql: "SELECT 1" }), new Metadata())).toBeNull();
      // The log level changes at run time: SIGUSR2 turns debug on.
      proxy.kill("SIGUSR2");
      const changed = await until("log level change", () => logLines.find((l) => l.msg === "log level changed"));
      expect(changed).toMatchObject({ newLevel: "debug", configured: "info" });
    } finally {
      client.close();
    }
    // SIGTERM drains and shuts tracing down, which exports what is queued.
    proxy.kill("SIGTERM");
    await until("proxy exit", () => (exitCode === null ? undefined : true));
    spans = await until("the spans of three traces", () => {
      const received = collector.spans();
      const traces = new Set(received.map((s) => s.traceId));
      return [ok, streamed, failed].every((t) => traces.has(t.traceId))
        ? received.filter((s) => s.resource["process.pid"] === proxy.pid)
        : undefined;
    });
  }, 120_000);

  afterAll(() => {
    if (proxy && proxy.exitCode === null) proxy.kill("SIGKILL");
  });

  const spansOf = (t: ClientTrace) => spans.filter((s) => s.traceId === t.traceId);
  const serverSpanOf = (t: ClientTrace) => {
    const server = spansOf(t).filter((s) => s.kind === SERVER);
    expect(server).toHaveLength(1);
    return server[0] as OtlpSpan;
  };

  it("exits cleanly after the drain", () => {
    expect(exitCode).toBe(0);
  });

  it("a server span per call, continuing the client's trace, with the RPC conventions", () => {
    const server = serverSpanOf(ok);
    expect(server.name).toBe("informix.proxy.v1.SqlService/Execute");
    expect(server.parentSpanId).toBe(ok.parentSpanId);
    expect(server.traceState).toBe("client=e2e");
    expect(attributesOf(server.attributes)).toMatchObject({
      "rpc.system": "grpc",
      "rpc.service": "informix.proxy.v1.SqlService",
      "rpc.method": "Execute",
      "rpc.grpc.status_code": 0,
      "db.namespace": "main",
    });
    expect(server.status?.code ?? 0).not.toBe(ERROR);
    expect(server.resource["service.name"]).toBe("informix-grpc-proxy");
  });

  it("children for the pool acquire and the statement, with the database conventions", () => {
    const server = serverSpanOf(ok);
    const children = spansOf(ok).filter((s) => s.parentSpanId === server.spanId);
    expect(children.map((s) => s.name).sort()).toEqual(["SELECT main", "pool acquire"]);
    const statement = children.find((s) => s.name === "SELECT main") as OtlpSpan;
    expect(statement.kind).toBe(CLIENT);
    expect(attributesOf(statement.attributes)).toMatchObject({
      "db.system": "sqlite",
      "db.system.name": "sqlite",
      "db.namespace": "main",
      "db.operation.name": "SELECT",
      "db.query.text": expect.stringMatching(/^select name from products where name = \?$/i),
      "db.response.returned_rows": 0,
    });
    const acquire = children.find((s) => s.name === "pool acquire") as OtlpSpan;
    expect(attributesOf(acquire.attributes)).toMatchObject({ "db.client.connection.pool.name": "main" });
  });

  it("a stream's statement span records each batch of the cursor", () => {
    const statement = spansOf(streamed).find((s) => s.kind === CLIENT) as OtlpSpan;
    const batches = (statement.events ?? []).filter((e) => e.name === "batch");
    expect(batches.length).toBeGreaterThanOrEqual(2);
    expect(attributesOf(batches[0]?.attributes)["db.response.returned_rows"]).toBe(2);
    expect(serverSpanOf(streamed).name).toBe("informix.proxy.v1.SqlService/ExecuteStream");
  });

  it("a failed statement marks its span with the error type, not the database's message", () => {
    const server = serverSpanOf(failed);
    expect(attributesOf(server.attributes)["rpc.grpc.status_code"]).toBe(5);
    // NOT_FOUND is the caller's fault: the server span is not an error; the statement span is.
    expect(server.status?.code ?? 0).not.toBe(ERROR);
    const statement = spansOf(failed).find((s) => s.kind === CLIENT) as OtlpSpan;
    expect(statement.status?.code).toBe(ERROR);
    expect(attributesOf(statement.attributes)["error.type"]).toBe("OBJECT_NOT_FOUND");
    expect(statement.status?.message).toBe("OBJECT_NOT_FOUND");
  });

  it("records no trace the client did not sample, and no parameter value anywhere", () => {
    expect(spans.filter((s) => ![ok, streamed, failed].some((t) => t.traceId === s.traceId))).toEqual([]);
    expect(collector.text()).not.toContain(marker);
  });

  it("log lines of a call carry its trace_id and span_id", () => {
    for (const t of [ok, streamed, failed]) {
      const rpcLine = logLines.find((l) => l.msg === "rpc" && l.trace_id === t.traceId);
      expect(rpcLine, `rpc line of trace ${t.traceId}`).toBeDefined();
      expect(rpcLine?.span_id).toBe(serverSpanOf(t).spanId);
    }
    const untraced = logLines.filter((l) => l.msg === "rpc" && l.trace_id === undefined);
    expect(untraced).toHaveLength(1);
    expect(JSON.stringify(logLines)).not.toContain(marker);
  });
});
