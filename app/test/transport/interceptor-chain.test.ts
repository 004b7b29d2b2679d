// The one interceptor chain every service passes (call context -> observe -> identity), through a real gRPC
// client against a proxy with API keys: each SqlService call is timed, counted and logged exactly once, whether it
// succeeds, fails in a handler, is refused before its handler or is cancelled mid-stream, and a request grpc-js
// cannot decode leaves the counters balanced; health probes and reflection stay out of the RPC metrics; reflection needs credentials.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Client, credentials, loadPackageDefinition, Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/auth/api-key-authenticator.js";
import { generateApiKey } from "../../src/cli/hash-key-command.js";
import type { ExecuteResponse, ExecuteStreamResponse } from "../../src/gen/informix/proxy/v1/sql_service.js";
import { call, clientWithMetadata, execRequest, expectStatus, streamRequest } from "../support/grpc-client.js";
import { captureLogs } from "../support/log-capture.js";
import { startTestProxy, type TestProxy } from "../support/test-proxy.js";

const require = createRequire(import.meta.url);
const EXECUTE = "informix.proxy.v1.SqlService/Execute";
const STREAM = "informix.proxy.v1.SqlService/ExecuteStream";

describe("the interceptor chain", () => {
  const key = generateApiKey();
  const logs = captureLogs("info");
  let t: TestProxy;

  beforeAll(async () => {
    t = await startTestProxy("sqlite", {
      logger: logs.logger,
      configPatch: {
        auth: { apiKeys: [{ name: "svc", sha256: sha256Hex(key), roles: ["reader"] }] },
        roles: { reader: { databases: { "*": { allow: ["read"] } } } },
      },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const authorized = () => clientWithMetadata(t.address, { authorization: `Bearer ${key}` });
  const rpcLines = (method: string) => logs.records().filter((r) => r.msg === "rpc" && r.method === method);

  async function counter(name: string, labels: Record<string, string>): Promise<number> {
    const metric = await t.proxy.metrics.registry.getSingleMetric(name)?.get();
    return (metric?.values ?? [])
      .filter((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value))
      .reduce((sum, v) => sum + v.value, 0);
  }
  const handled = (method: string, code: string) =>
    counter("grpc_server_handled_total", { grpc_method: method, grpc_code: code });
  const started = (method: string) => counter("grpc_server_started_total", { grpc_method: method });

  /** Waits (bounded) for the call's end to be recorded: the log line is written when the handler settles. */
  async function untilLines(method: string, count: number): Promise<void> {
    for (let i = 0; i < 200 && rpcLines(method).length < count; i++) await new Promise((r) => setTimeout(r, 20));
  }

  it("times, counts and logs a successful call once, with its typed fields", async () => {
    const before = { lines: rpcLines(EXECUTE).length, ok: await handled("Execute", "OK") };
    const client = authorized();
    await call<unknown, ExecuteResponse>(client, "execute", execRequest({ sql: "SELECT 1 AS one" }));
    client.close();
    await untilLines(EXECUTE, before.lines + 1);
    const lines = rpcLines(EXECUTE).slice(before.lines);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ caller: "api_key:svc", code: "OK", database: "main", rows: 1 });
    expect(typeof lines[0]?.durationMs).toBe("number");
    expect(await handled("Execute", "OK")).toBe(before.ok + 1);
  });

  it("maps a handler's error once: one status with details, one line with the reason", async () => {
    const before = rpcLines(EXECUTE).length;
    const client = authorized();
    await expectStatus(
      call(client, "execute", execRequest({ sql: "SELECT * FROM no_such_table" })),
      status.NOT_FOUND,
      "OBJECT_NOT_FOUND",
    );
    client.close();
    await untilLines(EXECUTE, before + 1);
    const lines = rpcLines(EXECUTE).slice(before);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ code: "NotFound", reason: "OBJECT_NOT_FOUND", database: "main" });
  });

  it("counts and logs a call refused before its handler (Unauthenticated)", async () => {
    const before = { lines: rpcLines(EXECUTE).length, refused: await handled("Execute", "Unauthenticated") };
    const anonymous = clientWithMetadata(t.address, {});
    await expectStatus(call(anonymous, "execute", execRequest({ sql: "SELECT 1" })), status.UNAUTHENTICATED);
    anonymous.close();
    await untilLines(EXECUTE, before.lines + 1);
    const lines = rpcLines(EXECUTE).slice(before.lines);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      caller: "anonymous",
      code: "Unauthenticated",
      reason: "UNAUTHENTICATED",
      authFailure: "no credentials",
    });
    expect(await handled("Execute", "Unauthenticated")).toBe(before.refused + 1);
  });

  it("ends a stream the client cancels once, as Canceled, after its handler stopped", async () => {
    const before = { lines: rpcLines(STREAM).length, started: await started("ExecuteStream") };
    const client = authorized();
    const stream = client.executeStream(
      streamRequest({
        sql: "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000) SELECT i FROM n",
        fetchSize: 10,
      }),
    );
    await new Promise<void>((resolve, reject) => {
      stream.once("data", (_m: ExecuteStreamResponse) => resolve());
      stream.once("error", reject);
    });
    stream.on("error", () => undefined);
    stream.cancel();
    await untilLines(STREAM, before.lines + 1);
    client.close();
    const lines = rpcLines(STREAM).slice(before.lines);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ code: "Canceled", caller: "api_key:svc" });
    expect(await started("ExecuteStream")).toBe(before.started + 1);
    expect(await handled("ExecuteStream", "Canceled")).toBeGreaterThanOrEqual(1);
  });

  it("keeps started and handled balanced when grpc-js refuses a request it cannot decode", async () => {
    const raw = new Client(t.address, credentials.createInsecure());
    const metadata = new Metadata();
    metadata.set("authorization", `Bearer ${key}`);
    const error = await new Promise<ServiceError | null>((resolve) =>
      raw.makeUnaryRequest(
        `/${EXECUTE}`,
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.from([0xff, 0xff, 0xff]),
        metadata,
        (e) => resolve(e),
      ),
    );
    raw.close();
    expect(error?.code).toBe(status.INTERNAL);
    const startedTotal = await started("Execute");
    const handledTotal = await counter("grpc_server_handled_total", { grpc_method: "Execute" });
    expect(handledTotal).toBe(startedTotal);
  });

  it("leaves health probes out of the RPC metrics and answers them without credentials", async () => {
    const healthProto = require.resolve("grpc-health-check/proto/health/v1/health.proto");
    const pkg = loadPackageDefinition(loadSync(healthProto, { includeDirs: [dirname(healthProto)] })) as unknown as {
      grpc: { health: { v1: { Health: new (a: string, c: unknown) => Client } } };
    };
    const health = new pkg.grpc.health.v1.Health(t.address, credentials.createInsecure()) as Client & {
      Check(r: unknown, cb: (e: Error | null, r: { status: number | string }) => void): void;
    };
    const answer = await new Promise<unknown>((resolve, reject) =>
      health.Check({ service: "" }, (e, r) => (e ? reject(e) : resolve(r.status))),
    );
    health.close();
    expect(answer).toBeDefined();
    expect(await counter("grpc_server_started_total", { grpc_service: "grpc.health.v1.Health" })).toBe(0);
  });

  it("asks reflection callers for credentials like SqlService", async () => {
    const reflectionDir = join(dirname(require.resolve("@grpc/reflection/package.json")), "build", "proto");
    const pkg = loadPackageDefinition(
      loadSync("grpc/reflection/v1/reflection.proto", { includeDirs: [reflectionDir], keepCase: true }),
    ) as unknown as { grpc: { reflection: { v1: { ServerReflection: new (a: string, c: unknown) => Client } } } };
    const list = (authorization?: string) => {
      const client = new pkg.grpc.reflection.v1.ServerReflection(t.address, credentials.createInsecure()) as Client & {
        ServerReflectionInfo(m: Metadata): NodeJS.ReadWriteStream & { write(x: unknown): void; end(): void };
      };
      const metadata = new Metadata();
      if (authorization) metadata.set("authorization", authorization);
      return new Promise<{ code: number; services: number }>((resolve) => {
        const stream = client.ServerReflectionInfo(metadata);
        let services = 0;
        stream.on("data", (d: { list_services_response?: { service: unknown[] } }) => {
          services += d.list_services_response?.service.length ?? 0;
        });
        stream.on("error", (e: ServiceError) => {
          client.close();
          resolve({ code: e.code, services });
        });
        stream.on("end", () => {
          client.close();
          resolve({ code: status.OK, services });
        });
        stream.write({ list_services: "" });
        stream.end();
      });
    };
    expect(await list()).toEqual({ code: status.UNAUTHENTICATED, services: 0 });
    const allowed = await list(`Bearer ${key}`);
    expect(allowed.code).toBe(status.OK);
    expect(allowed.services).toBeGreaterThan(0);
    expect(await counter("grpc_server_started_total", { grpc_service: "grpc.reflection.v1.ServerReflection" })).toBe(0);
  });
});
