// Keepalive and connection age on the real server: a connection older than maxConnectionAgeMs is told to go
// away (HTTP/2 GOAWAY), the client reconnects by itself, and calls keep working on the new connection.
import { connectivityState } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProxyConfig } from "../../src/config/schema.js";
import { keepaliveOptions } from "../../src/transport/keepalive.js";
import { call, execRequest } from "../support/grpc-client.js";
import { startTestProxy, type TestProxy } from "../support/test-proxy.js";

function waitForState(client: TestProxy["client"], wanted: connectivityState): Promise<void> {
  const channel = client.getChannel();
  return new Promise((resolve, reject) => {
    const step = () => {
      const current = channel.getConnectivityState(false);
      if (current === wanted) return resolve();
      // The deadline only bounds a broken test; the assertion is the state reached, not the time taken.
      channel.watchConnectivityState(current, Date.now() + 30_000, (error) => (error ? reject(error) : step()));
    };
    step();
  });
}

describe("connection age", () => {
  let proxy: TestProxy;
  beforeAll(async () => {
    proxy = await startTestProxy("sqlite", {
      configPatch: { server: { keepalive: { maxConnectionAgeMs: 1000, maxConnectionAgeGraceMs: 500 } } },
    });
  });
  afterAll(() => proxy.close());

  it("sends clients away from an old connection and serves them on a new one", async () => {
    const client = proxy.newClient();
    const ping = () => call(client, "execute", execRequest({ sql: "SELECT 1 AS one" }));
    await ping();
    expect(client.getChannel().getConnectivityState(false)).toBe(connectivityState.READY);
    // GOAWAY after the maximum age: the channel leaves READY (IDLE until the next call reconnects it).
    await waitForState(client, connectivityState.IDLE);
    await expect(ping()).resolves.toBeDefined();
    client.close();
  });
});

describe("keepalive options", () => {
  it("ping idle connections by default and never age them out unless configured", () => {
    const defaults = ProxyConfig.parse({ databases: { d: { driver: "sqlite", path: ":memory:" } } }).server.keepalive;
    expect(keepaliveOptions(defaults)).toEqual({
      "grpc.keepalive_time_ms": 60_000,
      "grpc.keepalive_timeout_ms": 20_000,
      "grpc.keepalive_permit_without_calls": 1,
    });
  });

  it("maps the connection age and its grace to grpc-js options", () => {
    expect(
      keepaliveOptions({
        timeMs: 30_000,
        timeoutMs: 10_000,
        maxConnectionAgeMs: 900_000,
        maxConnectionAgeGraceMs: 45_000,
      }),
    ).toMatchObject({ "grpc.max_connection_age_ms": 900_000, "grpc.max_connection_age_grace_ms": 45_000 });
  });
});
