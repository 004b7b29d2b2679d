// TLS with the proxy's own CA and API-key/JWT bearer credentials against the secure fixture proxy; retries
// against a stand-in SqlService (a real grpc-js server on loopback) that fails on purpose with RetryInfo.
import { readFileSync } from "node:fs";
import { Metadata, Server, ServerCredentials, type ServerUnaryCall, type sendUnaryData, status } from "@grpc/grpc-js";
import { afterAll, describe, expect, it } from "vitest";
import { Any } from "../src/gen/google/protobuf/any.js";
import { ErrorInfo, RetryInfo } from "../src/gen/google/rpc/error_details.js";
import { Status } from "../src/gen/google/rpc/status.js";
import { type PingResponse, SqlServiceService } from "../src/gen/informix/proxy/v1/sql_service.js";
import { ProxyClient, ProxyError } from "../src/index.js";
import { retryDelayFor } from "../src/retry.js";
import { fixture } from "./support/fixture.js";

describe("credentials", () => {
  it("TLS with the proxy's CA and an API key", async () => {
    const info = fixture();
    const client = new ProxyClient({ address: info.secure, tls: { ca: info.caFile }, apiKey: info.apiKey });
    try {
      const result = await client.query("SELECT count(*) AS n FROM customer");
      expect(Number(result.rows[0]?.n)).toBeGreaterThan(0);
    } finally {
      client.close();
    }
  });

  it("a token function is asked before every call", async () => {
    const info = fixture();
    let asked = 0;
    const client = new ProxyClient({
      address: info.secure,
      tls: { ca: readFileSync(info.caFile) },
      token: async () => {
        asked++;
        return info.apiKey;
      },
    });
    try {
      await client.ping();
      await client.ping();
      expect(asked).toBe(2);
    } finally {
      client.close();
    }
  });

  it("without credentials: UNAUTHENTICATED, not retried", async () => {
    const info = fixture();
    const client = new ProxyClient({ address: info.secure, tls: { ca: info.caFile } });
    try {
      const error = (await client.ping().catch((e: unknown) => e)) as ProxyError;
      expect(error).toBeInstanceOf(ProxyError);
      expect(error.code).toBe(status.UNAUTHENTICATED);
      expect(error.message).toMatch(/missing credentials/);
    } finally {
      client.close();
    }
  });

  it("a certificate from another CA is refused (UNAVAILABLE)", async () => {
    const info = fixture();
    const client = new ProxyClient({ address: info.secure, tls: true, apiKey: info.apiKey, retry: false });
    try {
      const error = (await client.ping({ deadlineMs: 5000 }).catch((e: unknown) => e)) as ProxyError;
      expect(error.code).toBe(status.UNAVAILABLE);
    } finally {
      client.close();
    }
  });

  it("apiKey and token together is a usage error", () => {
    expect(() => new ProxyClient({ address: "127.0.0.1:1", apiKey: "a", token: "b" })).toThrow(/not both/);
  });
});

/** A stand-in SqlService whose Ping fails `failures` times with `code` (and RetryInfo when retryMs is set). */
async function flakyServer(failures: number, code: status, retryMs?: number) {
  const server = new Server();
  let calls = 0;
  const details = [
    Any.fromPartial({
      typeUrl: "type.googleapis.com/google.rpc.ErrorInfo",
      value: Buffer.from(
        ErrorInfo.encode({ reason: "TEST_FAILURE", domain: "test", metadata: { attempt: "x" } }).finish(),
      ),
    }),
  ];
  if (retryMs !== undefined) {
    details.push(
      Any.fromPartial({
        typeUrl: "type.googleapis.com/google.rpc.RetryInfo",
        value: Buffer.from(RetryInfo.encode({ retryDelay: { seconds: 0n, nanos: retryMs * 1e6 } }).finish()),
      }),
    );
  }
  const unimplemented = (_call: unknown, callback: sendUnaryData<never>) =>
    callback({ code: status.UNIMPLEMENTED, details: "not in this stand-in" } as never);
  const handlers = Object.fromEntries(Object.keys(SqlServiceService).map((name) => [name, unimplemented]));
  server.addService(SqlServiceService, {
    ...handlers,
    ping(_call: ServerUnaryCall<unknown, PingResponse>, callback: sendUnaryData<PingResponse>) {
      calls++;
      if (calls <= failures) {
        const metadata = new Metadata();
        metadata.set(
          "grpc-status-details-bin",
          Buffer.from(Status.encode({ code, message: `failure ${calls}`, details }).finish()),
        );
        callback({ code, details: `failure ${calls}`, metadata } as never);
        return;
      }
      callback(null, { latencyMicros: 1n, serverVersion: "stand-in", database: "x" });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  return { address: `127.0.0.1:${port}`, calls: () => calls, stop: () => server.forceShutdown() };
}

describe("retries", () => {
  const servers: Array<{ stop(): void }> = [];
  afterAll(() => {
    for (const server of servers) server.stop();
  });

  it("UNAVAILABLE is retried, and the server's RetryInfo delay is honoured", async () => {
    const server = await flakyServer(2, status.UNAVAILABLE, 50);
    servers.push(server);
    const client = new ProxyClient({ address: server.address, retry: { maxAttempts: 3, initialBackoffMs: 1 } });
    const ping = await client.ping();
    client.close();
    expect(ping.serverVersion).toBe("stand-in");
    expect(server.calls()).toBe(3);
    // The wait before each retry is at least what the server asked for, whatever the backoff drew.
    const error = new ProxyError(status.UNAVAILABLE, "x", { retryDelayMs: 50 });
    for (let attempt = 1; attempt <= 5; attempt++) {
      expect(retryDelayFor(error, attempt, { initialBackoffMs: 1 })).toBeGreaterThanOrEqual(50);
    }
    expect(retryDelayFor(new ProxyError(status.NOT_FOUND, "x"), 1, {})).toBeUndefined();
  });

  it("RESOURCE_EXHAUSTED is retried only when the server sends RetryInfo", async () => {
    const withInfo = await flakyServer(1, status.RESOURCE_EXHAUSTED, 10);
    const without = await flakyServer(1, status.RESOURCE_EXHAUSTED);
    servers.push(withInfo, without);
    const a = new ProxyClient({ address: withInfo.address });
    const b = new ProxyClient({ address: without.address });
    try {
      await a.ping();
      expect(withInfo.calls()).toBe(2);
      const error = (await b.ping().catch((e: unknown) => e)) as ProxyError;
      expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
      expect(error.reason).toBe("TEST_FAILURE");
      expect(without.calls()).toBe(1);
    } finally {
      a.close();
      b.close();
    }
  });

  it("gives up after maxAttempts with the last error and its details", async () => {
    const server = await flakyServer(10, status.ABORTED, 1);
    servers.push(server);
    const client = new ProxyClient({ address: server.address, retry: { maxAttempts: 4, initialBackoffMs: 1 } });
    const error = (await client.ping().catch((e: unknown) => e)) as ProxyError;
    client.close();
    expect(error.code).toBe(status.ABORTED);
    expect(error.message).toBe("failure 4");
    expect(error.retryDelayMs).toBe(1);
    expect(server.calls()).toBe(4);
  });

  it("INVALID_ARGUMENT and retry: false are never retried", async () => {
    const invalid = await flakyServer(1, status.INVALID_ARGUMENT);
    const unavailable = await flakyServer(1, status.UNAVAILABLE);
    servers.push(invalid, unavailable);
    const a = new ProxyClient({ address: invalid.address });
    const b = new ProxyClient({ address: unavailable.address, retry: false });
    await expect(a.ping()).rejects.toBeInstanceOf(ProxyError);
    await expect(b.ping()).rejects.toBeInstanceOf(ProxyError);
    a.close();
    b.close();
    expect(invalid.calls()).toBe(1);
    expect(unavailable.calls()).toBe(1);
  });
});
