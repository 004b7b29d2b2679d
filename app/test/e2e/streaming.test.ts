// Cancellation, deadlines and pool exhaustion: the database work stops and the connection comes back.

import { type AddressInfo, connect, createServer, type Socket } from "node:net";
import { type ServiceError, status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExecuteResponse, ExecuteStreamResponse } from "../../src/gen/informix/proxy/v1/sql_service.js";
import { call, execRequest, expectStatus, newClient, plain, streamRequest } from "../support/grpc-client.js";
import { DRIVERS, startTestProxy, type TestProxy } from "../support/test-proxy.js";

const MANY_ROWS = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000000) SELECT i FROM n";

async function waitUntil(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !predicate(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(predicate()).toBe(true);
}

describe.each(DRIVERS)("streaming and cancellation on %s", (driver) => {
  let t: TestProxy;
  beforeAll(async () => {
    t = await startTestProxy(driver, { pool: { max: 2, acquireTimeoutMs: 300 } });
  });
  afterAll(async () => {
    await t?.close();
  });
  const stats = () => {
    const database = t.proxy.databases.find("");
    if (!database) throw new Error("default database missing");
    return database.pool.stats();
  };

  it("a client that cancels mid-stream frees the connection at once", async () => {
    const stream = t.client.executeStream(streamRequest({ sql: MANY_ROWS, fetchSize: 100 }));
    let batches = 0;
    await new Promise<void>((resolve) => {
      stream.on("data", (m: ExecuteStreamResponse) => {
        if (m.payload?.$case === "batch" && ++batches === 3) {
          stream.cancel();
          resolve();
        }
      });
      stream.on("error", () => resolve());
    });
    expect(batches).toBe(3);
    await waitUntil(() => stats().active === 0);
    // The connection is usable again.
    const result = await call<unknown, ExecuteResponse>(t.client, "execute", execRequest({ sql: "SELECT 1 AS one" }));
    expect(plain(result.rows[0]?.values[0])).toBe(1n);
  });

  it("a slow consumer is not buffered: the proxy stops reading the cursor until the client reads", async () => {
    // A TCP relay that stops forwarding to the client stands for a slow network client: HTTP/2 flow control
    // then stalls the proxy's writes. (A paused grpc-js client is no use here: Node's HTTP/2 client keeps
    // granting window while paused.)
    let upstream: Socket | undefined;
    const relay = createServer((down) => {
      upstream = connect(t.proxy.grpcPort, "127.0.0.1");
      down.pipe(upstream);
      upstream.pipe(down);
      down.on("error", () => undefined);
      upstream.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
    const client = newClient(`127.0.0.1:${(relay.address() as AddressInfo).port}`);
    const stream = client.executeStream(streamRequest({ sql: MANY_ROWS, fetchSize: 1000 }));
    stream.on("error", () => undefined);
    let received = 0;
    await new Promise<void>((resolve) => {
      stream.on("data", () => {
        if (++received === 5) {
          upstream?.unpipe();
          upstream?.pause();
          resolve();
        }
      });
    });
    const sentMessages = async () =>
      (await t.proxy.metrics.grpcMsgSent.get()).values.reduce((sum, x) => sum + x.value, 0);
    // Wait until the proxy stops producing: without back-pressure that happens only after all 5,000
    // batches; with it, once the flow-control window is full.
    const before = await sentMessages();
    let previous = -1;
    let current = before;
    for (let i = 0; i < 300 && current !== previous; i++) {
      await new Promise((r) => setTimeout(r, 300));
      previous = current;
      current = await sentMessages();
    }
    stream.cancel();
    client.close();
    upstream?.destroy();
    relay.close();
    expect(current).toBe(previous);
    expect(current - before).toBeLessThan(100);
    await waitUntil(() => stats().active === 0);
  });

  it("the statement timeout cancels the statement and returns DEADLINE_EXCEEDED; the connection is reused", async () => {
    const sql = driver === "postgres" ? "SELECT pg_sleep(30)" : MANY_ROWS;
    const rpc =
      driver === "postgres"
        ? call(t.client, "execute", execRequest({ sql, timeoutMs: 300 }))
        : new Promise((resolve, reject) => {
            const s = t.client.executeStream(streamRequest({ sql, timeoutMs: 300, fetchSize: 10 }));
            s.on("data", () => undefined);
            s.on("error", reject);
            s.on("end", resolve);
          });
    await expectStatus(rpc, status.DEADLINE_EXCEEDED);
    await waitUntil(() => stats().active === 0);
    const result = await call<unknown, ExecuteResponse>(t.client, "execute", execRequest({ sql: "SELECT 2 AS two" }));
    expect(plain(result.rows[0]?.values[0])).toBe(2n);
  });

  it.runIf(driver === "postgres")("a client deadline cancels pg_sleep in the database", async () => {
    const error = await call(t.client, "execute", execRequest({ sql: "SELECT pg_sleep(30)" }), {
      deadline: Date.now() + 300,
    }).catch((e: ServiceError) => e);
    expect((error as ServiceError).code).toBe(status.DEADLINE_EXCEEDED);
    // The backend is no longer sleeping: pg_stat_activity shows no pg_sleep running.
    await waitUntil(() => stats().active === 0);
    const active = await t.pg?.admin(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%' AND state = 'active'",
    );
    expect(active?.rows[0].n).toBe(0);
  });

  it("pool exhaustion gives RESOURCE_EXHAUSTED after the acquire timeout", async () => {
    const a = await call<unknown, { sessionId: string }>(t.client, "openSession", { database: "" });
    const b = await call<unknown, { sessionId: string }>(t.client, "openSession", { database: "" });
    const { errorInfo } = await expectStatus(
      call(t.client, "execute", execRequest({ sql: "SELECT 1" })),
      status.RESOURCE_EXHAUSTED,
    );
    expect(errorInfo?.metadata.database).toBe("main");
    const timeouts = await t.proxy.metrics.poolAcquireTimeouts.get();
    expect(timeouts.values[0]?.value).toBeGreaterThan(0);
    await call(t.client, "closeSession", { sessionId: a.sessionId });
    await call(t.client, "closeSession", { sessionId: b.sessionId });
    await call(t.client, "execute", execRequest({ sql: "SELECT 1" }));
  });
});
