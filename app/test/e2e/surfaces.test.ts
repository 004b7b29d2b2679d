// The side doors: server reflection (what grpcurl uses), grpc.health.v1, /metrics, /healthz, /readyz, logs.

import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type Client, credentials, loadPackageDefinition } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, execRequest, v } from "../support/grpc-client.js";
import { captureLogs } from "../support/log-capture.js";
import { startTestProxy, type TestProxy } from "../support/test-proxy.js";

const require = createRequire(import.meta.url);

function loadClient(protoFile: string, includeDir: string, path: string[], address: string): Client {
  const definition = loadPackageDefinition(
    loadSync(protoFile, { includeDirs: [includeDir], keepCase: true, longs: String, enums: String }),
  );
  let node: unknown = definition;
  for (const part of path) node = (node as Record<string, unknown>)[part];
  const Ctor = node as new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => Client;
  return new Ctor(address, credentials.createInsecure());
}

describe("side doors", () => {
  let t: TestProxy;
  const logs = captureLogs("info");
  const logLines = logs.lines;
  beforeAll(async () => {
    t = await startTestProxy("sqlite", { logger: logs.logger });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("server reflection lists SqlService and Health and serves their descriptors", async () => {
    const reflectionDir = join(dirname(require.resolve("@grpc/reflection/package.json")), "build", "proto");
    const client = loadClient(
      "grpc/reflection/v1/reflection.proto",
      reflectionDir,
      ["grpc", "reflection", "v1", "ServerReflection"],
      t.address,
    );
    const responses: Array<Record<string, unknown>> = [];
    await new Promise<void>((resolve, reject) => {
      const stream = (
        client as unknown as {
          ServerReflectionInfo(): NodeJS.ReadWriteStream & { end(): void; write(x: unknown): void };
        }
      ).ServerReflectionInfo();
      stream.on("data", (d: Record<string, unknown>) => responses.push(d));
      stream.on("error", reject);
      stream.on("end", () => resolve());
      stream.write({ list_services: "" });
      stream.write({ file_containing_symbol: "informix.proxy.v1.SqlService" });
      stream.end();
    });
    client.close();
    const listed = responses[0]?.list_services_response as { service: { name: string }[] } | undefined;
    const services = (listed?.service ?? []).map((s) => s.name);
    expect(services).toContain("informix.proxy.v1.SqlService");
    expect(services).toContain("grpc.health.v1.Health");
    const described = responses[1]?.file_descriptor_response as { file_descriptor_proto: Buffer[] } | undefined;
    const files = described?.file_descriptor_proto ?? [];
    expect(files.length).toBeGreaterThan(0);
    expect(Buffer.concat(files).toString("latin1")).toContain("ExecuteStream");
  });

  it("grpc.health.v1.Health reports SERVING once the database answers", async () => {
    const healthProto = require.resolve("grpc-health-check/proto/health/v1/health.proto");
    const client = loadClient(healthProto, dirname(healthProto), ["grpc", "health", "v1", "Health"], t.address);
    const check = () =>
      new Promise<string>((resolve, reject) =>
        (client as unknown as { Check(r: unknown, cb: (e: Error | null, r: { status: string }) => void): void }).Check(
          { service: "informix.proxy.v1.SqlService" },
          (e, r) => (e ? reject(e) : resolve(r.status)),
        ),
      );
    let state = await check();
    for (let i = 0; i < 50 && state !== "SERVING"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      state = await check();
    }
    client.close();
    expect(state).toBe("SERVING");
  });

  it("/healthz, /readyz and /metrics", async () => {
    const base = `http://127.0.0.1:${t.proxy.httpPort}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready", databases: [{ database: "main", ready: true }] });
    await call(t.client, "execute", execRequest({ sql: "SELECT 1" }));
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(
      /grpc_server_handled_total\{grpc_type="unary",grpc_service="informix.proxy.v1.SqlService",grpc_method="Execute",grpc_code="OK"\} \d+/,
    );
    expect(metrics).toContain("grpc_server_started_total");
    expect(metrics).toContain("grpc_server_handling_seconds_bucket");
    expect(metrics).toMatch(/db_pool_connections\{database="main",state="idle"\}/);
    expect(metrics).toContain("db_statement_duration_seconds_bucket");
    expect(metrics).toContain("proxy_sessions_active");
    expect(metrics).toContain("process_cpu_seconds_total");
    expect(metrics).toContain("nodejs_heap_size_limit_bytes");
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it("one log line per RPC with method, database, status and duration, never parameter values", async () => {
    const secret = "s3cr3t-parameter-value-4711";
    await call(t.client, "execute", execRequest({ sql: "SELECT ? AS p", params: [v.str(secret)] }));
    await call(
      t.client,
      "execute",
      execRequest({ sql: "SELECT CAST(? AS INTEGER) + nosuchcol", params: [v.str(secret)] }),
    ).catch(() => undefined);
    const rpcLines = logLines.map((l) => JSON.parse(l)).filter((l) => l.msg === "rpc");
    const execLine = rpcLines.find((l) => l.method === "informix.proxy.v1.SqlService/Execute" && l.code === "OK");
    expect(execLine).toMatchObject({ database: "main", code: "OK" });
    expect(typeof execLine.durationMs).toBe("number");
    expect(rpcLines.some((l) => l.code === "NotFound")).toBe(true);
    for (const line of logLines) expect(line).not.toContain(secret);
  });
});
